<?php
/**
 * Where every setting comes from.
 *
 * Precedence, highest first:
 *   1. a NATIVE_SMTP_* constant in wp-config.php;
 *   2. WP Mail SMTP's WPMS_* constants, when WPMS_ON is true (same meaning as in WP Mail SMTP);
 *   3. the value saved on Settings → SMTP.
 * Whatever the plugin resolves is then applied with ini_set(); a host that locked the settings
 * (smtp.allow_runtime_config = 0, or php_admin_value) refuses that, and php.ini wins — the page
 * says so (see Native_SMTP_Runtime).
 *
 * @package native-smtp
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Native_SMTP_Config {

	const OPTION      = 'native_smtp_settings';
	const ENCRYPTIONS = array( 'auto', 'tls', 'ssl', 'none' );
	const AUTHS       = array( 'auto', 'plain', 'login', 'cram-md5', 'xoauth2', 'none' );

	/**
	 * Every setting: the ini setting it drives (null: handled in WordPress only), its type, and
	 * whether it has a field on the page (the others can only be set with a constant).
	 */
	public static function fields(): array {
		return array(
			'host'                => array( 'ini' => 'smtp.host', 'type' => 'string', 'page' => true ),
			'port'                => array( 'ini' => 'smtp.port', 'type' => 'int', 'page' => true ),
			'encryption'          => array( 'ini' => 'smtp.encryption', 'type' => 'choice', 'page' => true ),
			'auth'                => array( 'ini' => 'smtp.auth', 'type' => 'choice', 'page' => true ),
			'username'            => array( 'ini' => 'smtp.username', 'type' => 'string', 'page' => true ),
			'password'            => array( 'ini' => 'smtp.password', 'type' => 'secret', 'page' => true ),
			'from'                => array( 'ini' => 'smtp.from', 'type' => 'string', 'page' => true ),
			'from_name'           => array( 'ini' => 'smtp.from_name', 'type' => 'string', 'page' => true ),
			'force_from'          => array( 'ini' => 'smtp.force_from', 'type' => 'bool', 'page' => true ),
			'force_from_name'     => array( 'ini' => null, 'type' => 'bool', 'page' => true ),
			'timeout'             => array( 'ini' => 'smtp.timeout', 'type' => 'int', 'page' => true ),
			'verify_peer'         => array( 'ini' => 'smtp.verify_peer', 'type' => 'bool', 'page' => true ),
			'helo'                => array( 'ini' => 'smtp.helo', 'type' => 'string', 'page' => false ),
			'cafile'              => array( 'ini' => 'smtp.cafile', 'type' => 'string', 'page' => false ),
			'allow_insecure_auth' => array( 'ini' => 'smtp.allow_insecure_auth', 'type' => 'bool', 'page' => false ),
		);
	}

	/** What a fresh install stores (the password key holds the encrypted value, "" when none). */
	public static function defaults(): array {
		return array(
			'host'            => '',
			'port'            => 0,
			'encryption'      => 'auto',
			'auth'            => 'auto',
			'username'        => '',
			'password'        => '',
			'from'            => '',
			'from_name'       => '',
			'force_from'      => false,
			'force_from_name' => false,
			'timeout'         => 15,
			'verify_peer'     => true,
			'preset'          => '',
			'preset_region'   => '',
		);
	}

	/** The saved settings, completed with the defaults. The password stays encrypted here. */
	public static function stored(): array {
		$v = get_option( self::OPTION, array() );
		return array_merge( self::defaults(), is_array( $v ) ? $v : array() );
	}

	/** NATIVE_SMTP_HOST, NATIVE_SMTP_FROM_NAME, ... */
	public static function constant_name( string $field ): string {
		return 'NATIVE_SMTP_' . strtoupper( $field );
	}

	public static function wpms_on(): bool {
		return defined( 'WPMS_ON' ) && (bool) WPMS_ON;
	}

	/** WP Mail SMTP constant => our field, for the ones that map one to one. */
	private static function wpms_map(): array {
		return array(
			'host'            => 'WPMS_SMTP_HOST',
			'port'            => 'WPMS_SMTP_PORT',
			'username'        => 'WPMS_SMTP_USER',
			'password'        => 'WPMS_SMTP_PASS',
			'from'            => 'WPMS_MAIL_FROM',
			'from_name'       => 'WPMS_MAIL_FROM_NAME',
			'force_from'      => 'WPMS_MAIL_FROM_FORCE',
			'force_from_name' => 'WPMS_MAIL_FROM_NAME_FORCE',
		);
	}

	private static function cast( string $type, $value ) {
		switch ( $type ) {
			case 'int':
				return (int) $value;
			case 'bool':
				if ( is_string( $value ) ) {
					return in_array( strtolower( trim( $value ) ), array( '1', 'true', 'yes', 'on' ), true );
				}
				return (bool) $value;
			case 'choice':
				return strtolower( trim( (string) $value ) );
			default:
				return trim( (string) $value );
		}
	}

	/**
	 * The value of one setting and where it comes from:
	 *   array( 'value' => ..., 'source' => 'constant'|'wpms'|'page'|'none', 'constant' => name|null,
	 *          'error' => string|null )
	 * 'none': a constant-only setting nobody set (the plugin leaves php.ini's value alone).
	 * For the password, 'value' is the plain text (never print it).
	 */
	public static function resolve( string $field ): array {
		$fields = self::fields();
		$def    = $fields[ $field ];
		$const  = self::constant_name( $field );
		if ( defined( $const ) ) {
			return array( 'value' => self::cast( $def['type'], constant( $const ) ), 'source' => 'constant', 'constant' => $const, 'error' => null );
		}
		if ( self::wpms_on() ) {
			$w = self::resolve_wpms( $field );
			if ( null !== $w ) {
				return $w;
			}
		}
		if ( ! $def['page'] ) {
			return array( 'value' => null, 'source' => 'none', 'constant' => null, 'error' => null );
		}
		$stored = self::stored();
		if ( 'password' === $field ) {
			$enc = (string) $stored['password'];
			if ( '' === $enc ) {
				return array( 'value' => '', 'source' => 'page', 'constant' => null, 'error' => null );
			}
			$plain = Native_SMTP_Crypto::decrypt( $enc );
			if ( null === $plain ) {
				return array(
					'value'    => '',
					'source'   => 'page',
					'constant' => null,
					'error'    => __( 'The stored password cannot be decrypted: the encryption key in wp-config.php (NATIVE_SMTP_KEY or the AUTH_KEY/SECURE_AUTH_KEY salts) has changed. Enter the password again.', 'native-smtp' ),
				);
			}
			return array( 'value' => $plain, 'source' => 'page', 'constant' => null, 'error' => null );
		}
		return array( 'value' => self::cast( $def['type'], $stored[ $field ] ), 'source' => 'page', 'constant' => null, 'error' => null );
	}

	/** WP Mail SMTP's meaning of its constants, or null when none of them sets $field. */
	private static function resolve_wpms( string $field ): ?array {
		$map = self::wpms_map();
		$def = self::fields()[ $field ];
		if ( isset( $map[ $field ] ) && defined( $map[ $field ] ) ) {
			return array( 'value' => self::cast( $def['type'], constant( $map[ $field ] ) ), 'source' => 'wpms', 'constant' => $map[ $field ], 'error' => null );
		}
		if ( 'encryption' === $field && defined( 'WPMS_SSL' ) ) {
			// WP Mail SMTP: 'ssl' = implicit TLS, 'tls' = STARTTLS, '' = none — upgraded with STARTTLS
			// when the server offers it unless WPMS_SMTP_AUTOTLS is false (our "auto").
			$ssl = strtolower( trim( (string) WPMS_SSL ) );
			if ( 'ssl' === $ssl || 'tls' === $ssl ) {
				$value = $ssl;
			} else {
				$autotls = defined( 'WPMS_SMTP_AUTOTLS' ) ? (bool) WPMS_SMTP_AUTOTLS : true;
				$value   = $autotls ? 'auto' : 'none';
			}
			return array( 'value' => $value, 'source' => 'wpms', 'constant' => 'WPMS_SSL', 'error' => null );
		}
		if ( 'auth' === $field && defined( 'WPMS_SMTP_AUTH' ) ) {
			// WP Mail SMTP's "Authentication" is on/off; on = the strongest mechanism offered.
			return array( 'value' => WPMS_SMTP_AUTH ? 'auto' : 'none', 'source' => 'wpms', 'constant' => 'WPMS_SMTP_AUTH', 'error' => null );
		}
		return null;
	}

	/** Every setting resolved, keyed by field. */
	public static function resolve_all(): array {
		$out = array();
		foreach ( array_keys( self::fields() ) as $f ) {
			$out[ $f ] = self::resolve( $f );
		}
		return $out;
	}

	/** True when the plugin has a host to apply (from a constant, WPMS_* or the page). */
	public static function active(): bool {
		return '' !== (string) self::resolve( 'host' )['value'];
	}
}
