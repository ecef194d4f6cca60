<?php
/**
 * The stored SMTP password is encrypted with libsodium (crypto_secretbox: XSalsa20-Poly1305).
 *
 * The key comes from wp-config.php: the NATIVE_SMTP_KEY constant when it is defined (any string;
 * it is hashed to 32 bytes), otherwise it is derived from the AUTH_KEY and SECURE_AUTH_KEY salts.
 * A database dump alone therefore does not reveal the password. Changing the key (or the salts)
 * makes the stored password unreadable: the settings page then asks for it again.
 *
 * @package native-smtp
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Native_SMTP_Crypto {

	const PREFIX = 'ns1:';

	/** True when libsodium's secretbox is available (PHP 7.2+ bundles it). */
	public static function available(): bool {
		return function_exists( 'sodium_crypto_secretbox' ) && function_exists( 'sodium_crypto_generichash' );
	}

	/** Where the key comes from: 'constant' (NATIVE_SMTP_KEY) or 'salts'. */
	public static function key_source(): string {
		return ( defined( 'NATIVE_SMTP_KEY' ) && is_string( NATIVE_SMTP_KEY ) && '' !== NATIVE_SMTP_KEY ) ? 'constant' : 'salts';
	}

	private static function key(): string {
		if ( 'constant' === self::key_source() ) {
			$material = 'native-smtp/key/' . NATIVE_SMTP_KEY;
		} else {
			$a = defined( 'AUTH_KEY' ) ? (string) AUTH_KEY : '';
			$b = defined( 'SECURE_AUTH_KEY' ) ? (string) SECURE_AUTH_KEY : '';
			if ( strlen( $a . $b ) < 32 || false !== strpos( $a . $b, 'put your unique phrase here' ) ) {
				// Salts missing or left at the sample value: WordPress keeps generated ones in the database.
				$a = function_exists( 'wp_salt' ) ? wp_salt( 'auth' ) : $a;
				$b = function_exists( 'wp_salt' ) ? wp_salt( 'secure_auth' ) : $b;
			}
			$material = 'native-smtp/salts/' . $a . "\0" . $b;
		}
		return sodium_crypto_generichash( $material, '', SODIUM_CRYPTO_SECRETBOX_KEYBYTES );
	}

	/** Encrypts $plain; returns "ns1:" . base64(nonce . box). */
	public static function encrypt( string $plain ): string {
		$key   = self::key();
		$nonce = random_bytes( SODIUM_CRYPTO_SECRETBOX_NONCEBYTES );
		$box   = sodium_crypto_secretbox( $plain, $nonce, $key );
		sodium_memzero( $key );
		return self::PREFIX . base64_encode( $nonce . $box );
	}

	/** The plain text, or null when $stored is not ours or cannot be decrypted with the current key. */
	public static function decrypt( string $stored ): ?string {
		if ( ! self::available() || 0 !== strpos( $stored, self::PREFIX ) ) {
			return null;
		}
		$raw = base64_decode( substr( $stored, strlen( self::PREFIX ) ), true );
		if ( false === $raw || strlen( $raw ) < SODIUM_CRYPTO_SECRETBOX_NONCEBYTES + SODIUM_CRYPTO_SECRETBOX_MACBYTES ) {
			return null;
		}
		$key   = self::key();
		$plain = sodium_crypto_secretbox_open(
			substr( $raw, SODIUM_CRYPTO_SECRETBOX_NONCEBYTES ),
			substr( $raw, 0, SODIUM_CRYPTO_SECRETBOX_NONCEBYTES ),
			$key
		);
		sodium_memzero( $key );
		return false === $plain ? null : $plain;
	}
}
