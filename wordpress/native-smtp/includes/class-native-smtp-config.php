<?php
/**
 * Where every setting comes from.
 *
 * Precedence, highest first:
 *   1. a NATIVE_SMTP_* constant in wp-config.php;
 *   2. WP Mail SMTP's WPMS_* constants, when WPMS_ON is true (same meaning as in WP Mail SMTP);
 *   3. the value saved on Settings → SMTP;
 * and on a multisite network whose Network Admin → Settings → SMTP has been saved, 3 is:
 *   3a. the site's own value, when the network lets sites change that field and the site did;
 *   3b. otherwise the network's value.
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
	const NETWORK     = 'native_smtp_network'; // site option (multisite): the network's values and 'allow'
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
			// OAuth (XOAUTH2): applied only while a provider is chosen (see Native_SMTP_Runtime).
			'oauth_provider'      => array( 'ini' => 'smtp.oauth_provider', 'type' => 'choice', 'page' => true ),
			'oauth_client_id'     => array( 'ini' => 'smtp.oauth_client_id', 'type' => 'string', 'page' => true ),
			'oauth_client_secret' => array( 'ini' => 'smtp.oauth_client_secret', 'type' => 'secret', 'page' => true ),
			'oauth_refresh_token' => array( 'ini' => 'smtp.oauth_refresh_token', 'type' => 'secret', 'page' => true ),
			'oauth_tenant'        => array( 'ini' => 'smtp.oauth_tenant', 'type' => 'string', 'page' => true ),
			'oauth_scope'         => array( 'ini' => 'smtp.oauth_scope', 'type' => 'string', 'page' => true ),
			'oauth_grant'         => array( 'ini' => 'smtp.oauth_grant', 'type' => 'choice', 'page' => true ),
			'oauth_token_url'     => array( 'ini' => 'smtp.oauth_token_url', 'type' => 'string', 'page' => true ),
			'oauth_authorize_url' => array( 'ini' => null, 'type' => 'string', 'page' => true ),
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
			'overrides'       => array(), // multisite: the fields this site sets instead of the network
			'oauth_provider'      => '',
			'oauth_client_id'     => '',
			'oauth_client_secret' => '', // encrypted, like the password
			'oauth_refresh_token' => '', // encrypted; set by "Connect with ..." only
			'oauth_tenant'        => '',
			'oauth_scope'         => '',
			'oauth_grant'         => 'refresh_token',
			'oauth_token_url'     => '',
			'oauth_authorize_url' => '',
		);
	}

	/** The fields the settings page edits (and a network can hand down). */
	public static function page_fields(): array {
		return array_keys( array_filter( self::fields(), static function ( $d ) {
			return $d['page'];
		} ) );
	}

	/** True on a multisite network whose network settings have been saved: sites inherit them. */
	public static function network_active(): bool {
		return is_multisite() && is_array( get_site_option( self::NETWORK, null ) );
	}

	/** The network's saved values (as defaults() plus 'allow' => field => bool). */
	public static function network_stored(): array {
		$v = is_multisite() ? get_site_option( self::NETWORK, array() ) : array();
		$v = array_merge( self::defaults(), array( 'allow' => array() ), is_array( $v ) ? $v : array() );
		unset( $v['overrides'] );
		$v['allow'] = is_array( $v['allow'] ) ? $v['allow'] : array();
		return $v;
	}

	/** May a site of the network set $field itself? */
	public static function network_allows( string $field ): bool {
		return ! empty( self::network_stored()['allow'][ $field ] );
	}

	/** Does this site set $field itself (and may it)? */
	public static function site_overrides( string $field ): bool {
		$o = self::stored()['overrides'];
		return self::network_allows( $field ) && is_array( $o ) && in_array( $field, $o, true );
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
		if ( self::network_active() && ! self::site_overrides( $field ) ) {
			return self::from_saved( $field, self::network_stored(), 'network' );
		}
		return self::from_saved( $field, self::stored(), 'page' );
	}

	/**
	 * The value of $field as the network page shows it: a constant, WPMS_*, or the network's saved
	 * value (source 'network').
	 */
	public static function resolve_network( string $field ): array {
		$r = self::resolve( $field );
		if ( in_array( $r['source'], array( 'constant', 'wpms', 'none' ), true ) ) {
			return $r;
		}
		return self::from_saved( $field, self::network_stored(), 'network' );
	}

	/** $field from a saved array (a site's or the network's); the password is decrypted. */
	private static function from_saved( string $field, array $saved, string $source ): array {
		$def = self::fields()[ $field ];
		if ( 'secret' === $def['type'] ) {
			$enc = (string) $saved[ $field ];
			if ( '' === $enc ) {
				return array( 'value' => '', 'source' => $source, 'constant' => null, 'error' => null );
			}
			$plain = Native_SMTP_Crypto::decrypt( $enc );
			if ( null === $plain ) {
				return array(
					'value'    => '',
					'source'   => $source,
					'constant' => null,
					'error'    => 'password' === $field
						? __( 'The stored password cannot be decrypted: the encryption key in wp-config.php (NATIVE_SMTP_KEY or the AUTH_KEY/SECURE_AUTH_KEY salts) has changed. Enter the password again.', 'native-smtp' )
						: __( 'A stored OAuth secret (client secret or refresh token) cannot be decrypted: the encryption key in wp-config.php has changed. Enter the client secret and connect the account again.', 'native-smtp' ),
				);
			}
			return array( 'value' => $plain, 'source' => $source, 'constant' => null, 'error' => null );
		}
		return array( 'value' => self::cast( $def['type'], $saved[ $field ] ), 'source' => $source, 'constant' => null, 'error' => null );
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
