<?php
/**
 * Applies the resolved settings to the extension with ini_set(), once per request, and remembers
 * what PHP refused so the settings page and Site Health can show it.
 *
 * wp_mail() uses PHPMailer in "mail" mode, which ends in PHP's mail(); the extension replaces
 * mail()'s transport as soon as smtp.host is set. Setting the ini values is therefore all it takes.
 *
 * @package native-smtp
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Native_SMTP_Runtime {

	/** @var array<string,string> ini name => value applied. */
	private static $applied = array();

	/** @var array<string,string> ini name => PHP's warning (why ini_set() returned false). */
	private static $refused = array();

	/** @var bool */
	private static $done = false;

	public static function extension_loaded(): bool {
		return extension_loaded( 'smtp' );
	}

	public static function extension_version(): string {
		$v = phpversion( 'smtp' );
		return false === $v ? '' : (string) $v;
	}

	/** True when the extension fetches OAuth tokens itself (smtp.oauth_*, smtp_oauth_exchange()). */
	public static function has_oauth(): bool {
		return function_exists( 'smtp_oauth_exchange' ) && function_exists( 'smtp_oauth_status' );
	}

	/**
	 * True when smtp_check() takes the sender probe (options probe_from and probe_rcpt: MAIL FROM and
	 * RCPT TO after AUTH, then RSET). An older extension throws a ValueError for an option it does
	 * not know, so the page asks only when this says yes.
	 */
	public static function check_has_probe(): bool {
		if ( ! function_exists( 'smtp_check' ) ) {
			return false;
		}
		return defined( 'SMTP_CHECK_PROBE' );
	}

	/** True when the host set smtp.allow_runtime_config = 0: php.ini's values cannot be changed. */
	public static function locked(): bool {
		if ( ! self::extension_loaded() ) {
			return false;
		}
		$v = ini_get( 'smtp.allow_runtime_config' );
		return false !== $v && ! in_array( strtolower( (string) $v ), array( '1', 'on', 'true', 'yes' ), true );
	}

	/** The ini values the plugin sets: ini name => string. Empty when the plugin has no host. */
	public static function ini_values(): array {
		if ( ! Native_SMTP_Config::active() ) {
			return array();
		}
		$out   = array();
		$all   = Native_SMTP_Config::resolve_all();
		$oauth = self::has_oauth() && '' !== (string) $all['oauth_provider']['value'];
		foreach ( Native_SMTP_Config::fields() as $field => $def ) {
			$r = $all[ $field ];
			if ( null === $def['ini'] || 'none' === $r['source'] ) {
				continue;
			}
			if ( 0 === strpos( $field, 'oauth_' ) && ! $oauth ) {
				continue; // no provider chosen here: php.ini's OAuth settings (if any) stay in force
			}
			if ( 'oauth_token_url' === $field && 'custom' !== $all['oauth_provider']['value'] && 'page' === $r['source'] ) {
				// Google's and Microsoft's endpoints are the extension's own; only a test replaces them.
				$r['value'] = Native_SMTP_OAuth::test_token_url();
			}
			if ( 'auth' === $field && $oauth ) {
				$r['value'] = 'xoauth2';
			}
			$v = $r['value'];
			if ( 'force_from' === $field ) {
				// The extension rewrites From: to "from_name <from>" as a whole: only when both are forced.
				$v = $v && $all['force_from_name']['value'];
			}
			if ( 'secret' === $def['type'] && null !== $r['error'] ) {
				continue; // unreadable: leave php.ini's value (if any) in force
			}
			if ( is_bool( $v ) ) {
				$v = $v ? '1' : '0';
			}
			$out[ $def['ini'] ] = (string) $v;
		}
		return $out;
	}

	/** plugins_loaded, priority -1000: push the settings into the extension. */
	public static function apply(): void {
		if ( self::$done ) {
			return;
		}
		self::$done = true;
		if ( ! self::extension_loaded() ) {
			return;
		}
		foreach ( self::ini_values() as $name => $value ) {
			$warning = '';
			// ini_set() of a locked setting returns false with a warning: capture it for the page
			// instead of letting it reach the visitor's output or the log as noise.
			set_error_handler(
				static function ( $errno, $errstr ) use ( &$warning ) {
					$warning = (string) $errstr;
					return true;
				}
			);
			$r = ini_set( $name, $value );
			restore_error_handler();
			if ( false === $r ) {
				self::$refused[ $name ] = '' !== $warning ? $warning : __( 'ini_set() returned false.', 'native-smtp' );
			} else {
				self::$applied[ $name ] = $value;
			}
		}
	}

	public static function refused(): array {
		return self::$refused;
	}

	public static function applied(): array {
		return self::$applied;
	}

	/** WordPress's own default From address, the one WP Mail SMTP replaces without "force". */
	public static function wp_default_from(): string {
		$host = wp_parse_url( network_home_url(), PHP_URL_HOST );
		$host = is_string( $host ) ? strtolower( $host ) : '';
		if ( 'www.' === substr( $host, 0, 4 ) ) {
			$host = substr( $host, 4 );
		}
		return 'wordpress@' . $host;
	}

	/**
	 * wp_mail_from: the configured address replaces WordPress's default one, and every address
	 * when "force" is on — the rules of WP Mail SMTP.
	 */
	public static function filter_from( $from ) {
		$mine = (string) Native_SMTP_Config::resolve( 'from' )['value'];
		if ( '' === $mine ) {
			return $from;
		}
		if ( Native_SMTP_Config::resolve( 'force_from' )['value'] || 0 === strcasecmp( (string) $from, self::wp_default_from() ) || '' === (string) $from ) {
			return $mine;
		}
		return $from;
	}

	/** wp_mail_from_name: the configured name replaces "WordPress", and every name when forced. */
	public static function filter_from_name( $name ) {
		$mine = (string) Native_SMTP_Config::resolve( 'from_name' )['value'];
		if ( '' === $mine ) {
			return $name;
		}
		if ( Native_SMTP_Config::resolve( 'force_from_name' )['value'] || 'WordPress' === (string) $name || '' === (string) $name ) {
			return $mine;
		}
		return $name;
	}
}
