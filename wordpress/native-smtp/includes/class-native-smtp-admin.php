<?php
/**
 * Settings → SMTP: the settings form (Settings API: nonce, capability, sanitising with field
 * errors), "Send test email" and "Check connection" (admin-post.php actions: capability, nonce,
 * then the extension's smtp_test_send()/smtp_check()), the result panel, the status box and the
 * admin notice shown when the extension is not loaded.
 *
 * @package native-smtp
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Native_SMTP_Admin {

	const SLUG       = 'native-smtp';
	const GROUP      = 'native_smtp';
	const CAPABILITY = 'manage_options';
	const NETWORK_CAPABILITY = 'manage_network_options';

	/** @var string 'site' (Settings → SMTP) or 'network' (Network Admin → Settings → SMTP): which form renders. */
	private static $context = 'site';

	/** @var array|null the output of the last sanitize() call (WordPress may sanitise twice). */
	private static $last_sanitized = null;

	public static function init(): void {
		add_action( 'admin_menu', array( __CLASS__, 'menu' ) );
		add_action( 'admin_init', array( __CLASS__, 'register' ) );
		add_action( 'admin_post_native_smtp_test', array( __CLASS__, 'handle_test' ) );
		add_action( 'admin_post_native_smtp_check', array( __CLASS__, 'handle_check' ) );
		add_action( 'admin_post_native_smtp_oauth_start', array( __CLASS__, 'handle_oauth_start' ) );
		add_action( 'admin_init', array( __CLASS__, 'maybe_oauth_callback' ), 20 );
		add_action( 'admin_notices', array( __CLASS__, 'notice_missing_extension' ) );
		add_action( 'admin_enqueue_scripts', array( __CLASS__, 'assets' ) );
		if ( is_multisite() ) {
			add_action( 'network_admin_menu', array( __CLASS__, 'network_menu' ) );
			add_action( 'network_admin_edit_native_smtp_network', array( __CLASS__, 'handle_network_save' ) );
		}
		add_filter( 'plugin_action_links_' . plugin_basename( NATIVE_SMTP_PLUGIN_FILE ), array( __CLASS__, 'action_links' ) );
	}

	public static function page_url( array $args = array() ): string {
		return add_query_arg( array_merge( array( 'page' => self::SLUG ), $args ), admin_url( 'options-general.php' ) );
	}

	public static function menu(): void {
		add_options_page(
			__( 'SMTP', 'native-smtp' ),
			__( 'SMTP', 'native-smtp' ),
			self::CAPABILITY,
			self::SLUG,
			array( __CLASS__, 'render' )
		);
	}

	public static function register(): void {
		if ( false === get_option( Native_SMTP_Config::OPTION ) ) {
			add_option( Native_SMTP_Config::OPTION, Native_SMTP_Config::defaults(), '', true );
		}
		register_setting(
			self::GROUP,
			Native_SMTP_Config::OPTION,
			array(
				'type'              => 'array',
				'sanitize_callback' => array( __CLASS__, 'sanitize' ),
				'show_in_rest'      => false,
			)
		);
	}

	public static function action_links( $links ) {
		array_unshift( $links, sprintf( '<a href="%s">%s</a>', esc_url( self::page_url() ), esc_html__( 'Settings', 'native-smtp' ) ) );
		return $links;
	}

	public static function assets( $hook ): void {
		if ( ! in_array( $hook, array( 'settings_page_' . self::SLUG, 'settings_page_' . self::SLUG . '-network' ), true ) ) {
			return;
		}
		wp_enqueue_style( 'native-smtp-admin', plugins_url( 'assets/admin.css', NATIVE_SMTP_PLUGIN_FILE ), array(), NATIVE_SMTP_PLUGIN_VERSION );
		// The page works without it: a preset chosen without JavaScript is applied when the form is saved.
		wp_enqueue_script( 'native-smtp-admin', plugins_url( 'assets/admin.js', NATIVE_SMTP_PLUGIN_FILE ), array(), NATIVE_SMTP_PLUGIN_VERSION, true );
		wp_add_inline_script( 'native-smtp-admin', 'window.nativeSmtpPresets = ' . wp_json_encode( Native_SMTP_Presets::for_script() ) . ';', 'before' );
	}

	/* ------------------------------------------------------------------ network (multisite) */

	public static function network_menu(): void {
		add_submenu_page(
			'settings.php',
			__( 'SMTP', 'native-smtp' ),
			__( 'SMTP', 'native-smtp' ),
			self::NETWORK_CAPABILITY,
			self::SLUG,
			array( __CLASS__, 'render_network' )
		);
	}

	private static function network_errors_key(): string {
		return 'native_smtp_network_errors_' . get_current_user_id();
	}

	/** network/edit.php?action=native_smtp_network: capability, nonce, then the network's values. */
	public static function handle_network_save(): void {
		if ( ! current_user_can( self::NETWORK_CAPABILITY ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the network’s SMTP settings.', 'native-smtp' ), esc_html__( 'Forbidden', 'native-smtp' ), array( 'response' => 403 ) );
		}
		check_admin_referer( 'native_smtp_network' );
		$input = isset( $_POST[ Native_SMTP_Config::OPTION ] ) && is_array( $_POST[ Native_SMTP_Config::OPTION ] ) ? wp_unslash( $_POST[ Native_SMTP_Config::OPTION ] ) : array(); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput -- validated field by field in clean_values().
		$old   = Native_SMTP_Config::network_stored();
		$out   = array_intersect_key( self::clean_values( $input, $old ), Native_SMTP_Config::defaults() );
		unset( $out['overrides'] );
		$out['allow'] = array();
		foreach ( Native_SMTP_Config::page_fields() as $f ) {
			$out['allow'][ $f ] = isset( $input['allow'] ) && is_array( $input['allow'] ) && ! empty( $input['allow'][ $f ] );
		}
		update_site_option( Native_SMTP_Config::NETWORK, $out );
		$errors = get_settings_errors( Native_SMTP_Config::OPTION );
		set_site_transient( self::network_errors_key(), $errors, 5 * MINUTE_IN_SECONDS );
		wp_safe_redirect( add_query_arg( array( 'page' => self::SLUG, 'updated' => $errors ? 'partly' : 'true' ), network_admin_url( 'settings.php' ) ) );
		exit;
	}

	public static function render_network(): void {
		if ( ! current_user_can( self::NETWORK_CAPABILITY ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the network’s SMTP settings.', 'native-smtp' ), '', array( 'response' => 403 ) );
		}
		$saved = get_site_transient( self::network_errors_key() );
		delete_site_transient( self::network_errors_key() );
		foreach ( is_array( $saved ) ? $saved : array() as $e ) {
			add_settings_error( Native_SMTP_Config::OPTION, (string) $e['code'], (string) $e['message'], 'error' );
		}
		$all = array();
		foreach ( array_keys( Native_SMTP_Config::fields() ) as $f ) {
			$all[ $f ] = Native_SMTP_Config::resolve_network( $f );
		}
		echo '<div class="wrap native-smtp native-smtp-network">';
		echo '<h1>' . esc_html__( 'SMTP for the network', 'native-smtp' ) . '</h1>';
		if ( isset( $_GET['updated'] ) ) { // phpcs:ignore WordPress.Security.NonceVerification -- display only.
			$partly = 'partly' === $_GET['updated']; // phpcs:ignore WordPress.Security.NonceVerification
			echo '<div class="notice ' . ( $partly ? 'notice-warning' : 'notice-success' ) . '" id="native-smtp-network-saved"><p>' . esc_html( $partly ? __( 'Settings saved, except the fields marked below.', 'native-smtp' ) : __( 'Settings saved.', 'native-smtp' ) ) . '</p></div>';
		}
		echo '<p class="description" id="native-smtp-network-intro">' . esc_html__( 'Every site of the network sends mail with these settings. Tick “Sites may change this” to let a site’s administrator set that field on the site’s own Settings → SMTP; the other fields are shown there read-only. Constants in wp-config.php still win over both.', 'native-smtp' ) . '</p>';
		self::$context = 'network';
		self::render_form( $all, Native_SMTP_Config::network_stored(), self::field_errors() );
		self::$context = 'site';
		echo '</div>';
	}

	/* ------------------------------------------------------------------ sanitising */

	private static function field_error( string $field, string $message ): void {
		add_settings_error( Native_SMTP_Config::OPTION, 'native_smtp_' . $field, $message, 'error' );
	}

	/** A text value without control characters, trimmed and bounded. */
	private static function clean_text( $v, int $max = 255 ): string {
		$v = is_scalar( $v ) ? (string) $v : '';
		$v = trim( preg_replace( '/[\x00-\x1F\x7F]/', '', $v ) );
		return function_exists( 'mb_substr' ) ? mb_substr( $v, 0, $max ) : substr( $v, 0, $max );
	}

	/**
	 * Settings API sanitize_callback. Invalid values keep the previous one and raise an error
	 * naming the field. A blank password keeps the stored one; a new one is encrypted.
	 */
	public static function sanitize( $input ) {
		$old = Native_SMTP_Config::stored();
		if ( ! is_array( $input ) ) {
			return $old;
		}
		if ( null !== self::$last_sanitized && $input === self::$last_sanitized ) {
			return $input; // WordPress's second pass over our own output (add_option after update_option).
		}
		if ( ! current_user_can( self::CAPABILITY ) ) {
			return $old;
		}
		$out = self::clean_values( $input, $old );
		if ( Native_SMTP_Config::network_active() ) {
			$out = self::apply_network_rules( $input, $old, $out );
		}
		$out                  = array_intersect_key( $out, Native_SMTP_Config::defaults() );
		self::$last_sanitized = $out;
		return $out;
	}

	/**
	 * The validated values of a save of the form ($input) over the saved ones ($old): the site's
	 * page and the network's page share it. Invalid values keep the old one with a field error.
	 */
	private static function clean_values( array $input, array $old ): array {
		$out = $old;
		unset( $out['password_plain'] );
		$input = self::apply_preset( $input, $old, $out );

		if ( array_key_exists( 'host', $input ) ) {
			$host = self::clean_text( $input['host'], 1000 );
			// Host names, IPv4, [IPv6], optional :port, comma-separated for failover.
			if ( '' !== $host && ! preg_match( '/^[A-Za-z0-9.\-\[\]:_]+(\s*,\s*[A-Za-z0-9.\-\[\]:_]+)*$/', $host ) ) {
				/* translators: %s: the value entered */
				self::field_error( 'host', sprintf( __( 'SMTP host: “%s” is not a host name or IP address (for several, separate them with commas). The previous value was kept.', 'native-smtp' ), $host ) );
			} else {
				$out['host'] = $host;
			}
		}
		if ( array_key_exists( 'port', $input ) ) {
			$port = self::clean_text( $input['port'], 20 );
			if ( '' === $port ) {
				$out['port'] = 0;
			} elseif ( ctype_digit( $port ) && (int) $port >= 1 && (int) $port <= 65535 ) {
				$out['port'] = (int) $port;
			} else {
				/* translators: %s: the value entered */
				self::field_error( 'port', sprintf( __( 'Port: “%s” is not a port number. Enter a number from 1 to 65535 (587 for STARTTLS, 465 for SSL/TLS), or leave it empty for the default. The previous value was kept.', 'native-smtp' ), $port ) );
			}
		}
		foreach ( array( 'encryption' => Native_SMTP_Config::ENCRYPTIONS, 'auth' => Native_SMTP_Config::AUTHS ) as $field => $choices ) {
			if ( array_key_exists( $field, $input ) ) {
				$v = strtolower( self::clean_text( $input[ $field ], 40 ) );
				if ( in_array( $v, $choices, true ) ) {
					$out[ $field ] = $v;
				} elseif ( 'encryption' === $field ) {
					/* translators: 1: the value entered, 2: the valid values */
					self::field_error( $field, sprintf( __( 'Encryption: unknown value “%1$s”; choose one of %2$s. The previous value was kept.', 'native-smtp' ), $v, implode( ', ', $choices ) ) );
				} else {
					/* translators: 1: the value entered, 2: the valid values */
					self::field_error( $field, sprintf( __( 'Authentication: unknown mechanism “%1$s”; choose one of %2$s. The previous value was kept.', 'native-smtp' ), $v, implode( ', ', $choices ) ) );
				}
			}
		}
		if ( array_key_exists( 'username', $input ) ) {
			$out['username'] = self::clean_text( $input['username'] );
		}
		if ( ! empty( $input['password_clear'] ) ) {
			$out['password'] = '';
		} elseif ( isset( $input['password'] ) && is_string( $input['password'] ) && '' !== $input['password'] ) {
			$pass = $input['password'];
			if ( preg_match( '/[\x00\r\n]/', $pass ) || strlen( $pass ) > 1024 ) {
				self::field_error( 'password', __( 'Password: it must be one line of at most 1024 bytes. The stored password was kept.', 'native-smtp' ) );
			} elseif ( ! Native_SMTP_Crypto::available() ) {
				self::field_error( 'password', __( 'Password: PHP’s sodium extension is not available, so the password cannot be stored encrypted. Define NATIVE_SMTP_PASSWORD in wp-config.php instead.', 'native-smtp' ) );
			} else {
				$out['password'] = Native_SMTP_Crypto::encrypt( $pass );
			}
		}
		if ( array_key_exists( 'from', $input ) ) {
			$from = self::clean_text( $input['from'] );
			if ( '' === $from || is_email( $from ) ) {
				$out['from'] = $from;
			} else {
				/* translators: %s: the value entered */
				self::field_error( 'from', sprintf( __( 'From email: “%s” is not a valid email address. The previous value was kept.', 'native-smtp' ), $from ) );
			}
		}
		if ( array_key_exists( 'from_name', $input ) ) {
			$out['from_name'] = sanitize_text_field( self::clean_text( $input['from_name'] ) );
		}
		foreach ( array( 'force_from', 'force_from_name', 'verify_peer' ) as $field ) {
			if ( array_key_exists( $field, $input ) ) {
				$out[ $field ] = ! empty( $input[ $field ] );
			}
		}
		if ( array_key_exists( 'timeout', $input ) ) {
			$t = self::clean_text( $input['timeout'], 20 );
			if ( '' === $t ) {
				$out['timeout'] = 15;
			} elseif ( ctype_digit( $t ) && (int) $t >= 1 && (int) $t <= 3600 ) {
				$out['timeout'] = (int) $t;
			} else {
				/* translators: %s: the value entered */
				self::field_error( 'timeout', sprintf( __( 'Timeout: “%s” is not a number of seconds from 1 to 3600. The previous value was kept.', 'native-smtp' ), $t ) );
			}
		}
		return self::clean_oauth( $input, $out );
	}

	/** The OAuth part of a save: provider, app, tenant, scope, grant, the custom endpoints. */
	private static function clean_oauth( array $input, array $out ): array {
		foreach ( array( 'oauth_provider' => Native_SMTP_OAuth::PROVIDERS, 'oauth_grant' => Native_SMTP_OAuth::GRANTS ) as $field => $choices ) {
			if ( array_key_exists( $field, $input ) ) {
				$v = strtolower( self::clean_text( $input[ $field ], 40 ) );
				if ( in_array( $v, $choices, true ) ) {
					$out[ $field ] = $v;
				} else {
					/* translators: 1: the value entered, 2: the valid values */
					self::field_error( $field, sprintf( __( 'OAuth: unknown value “%1$s”; choose one of %2$s. The previous value was kept.', 'native-smtp' ), $v, implode( ', ', array_filter( $choices ) ) ) );
				}
			}
		}
		foreach ( array( 'oauth_client_id' => 255, 'oauth_scope' => 1000 ) as $field => $max ) {
			if ( array_key_exists( $field, $input ) ) {
				$out[ $field ] = self::clean_text( $input[ $field ], $max );
			}
		}
		if ( array_key_exists( 'oauth_tenant', $input ) ) {
			$t = self::clean_text( $input['oauth_tenant'], 255 );
			if ( '' === $t || preg_match( '/^[A-Za-z0-9][A-Za-z0-9.\-]*$/', $t ) ) {
				$out['oauth_tenant'] = $t;
			} else {
				/* translators: %s: the value entered */
				self::field_error( 'oauth_tenant', sprintf( __( 'Tenant: “%s” is neither a tenant ID nor a domain. The previous value was kept.', 'native-smtp' ), $t ) );
			}
		}
		foreach ( array( 'oauth_token_url', 'oauth_authorize_url' ) as $field ) {
			if ( array_key_exists( $field, $input ) ) {
				$u = self::clean_text( $input[ $field ], 2000 );
				if ( '' === $u || ( 0 === strpos( $u, 'https://' ) && false !== filter_var( $u, FILTER_VALIDATE_URL ) ) ) {
					$out[ $field ] = $u;
				} else {
					/* translators: %s: the value entered */
					self::field_error( $field, sprintf( __( 'OAuth endpoint: “%s” is not an https:// URL. The previous value was kept.', 'native-smtp' ), $u ) );
				}
			}
		}
		if ( ! empty( $input['oauth_client_secret_clear'] ) ) {
			$out['oauth_client_secret'] = '';
		} elseif ( isset( $input['oauth_client_secret'] ) && is_string( $input['oauth_client_secret'] ) && '' !== $input['oauth_client_secret'] ) {
			$sec = $input['oauth_client_secret'];
			if ( preg_match( '/[\x00\r\n]/', $sec ) || strlen( $sec ) > 1024 ) {
				self::field_error( 'oauth_client_secret', __( 'Client secret: it must be one line of at most 1024 bytes. The stored one was kept.', 'native-smtp' ) );
			} elseif ( Native_SMTP_Crypto::available() ) {
				$out['oauth_client_secret'] = Native_SMTP_Crypto::encrypt( $sec );
			}
		}
		if ( ! empty( $input['oauth_disconnect'] ) ) {
			$out['oauth_refresh_token'] = '';
		}
		return $out;
	}

	/** The form's label of a field, for the sentences that name it. */
	private static function label( string $field ): string {
		$labels = array(
			'host'            => __( 'SMTP host', 'native-smtp' ),
			'port'            => __( 'Port', 'native-smtp' ),
			'encryption'      => __( 'Encryption', 'native-smtp' ),
			'auth'            => __( 'Method', 'native-smtp' ),
			'username'        => __( 'Username', 'native-smtp' ),
			'password'        => __( 'Password', 'native-smtp' ),
			'from'            => __( 'From email', 'native-smtp' ),
			'from_name'       => __( 'From name', 'native-smtp' ),
			'force_from'      => __( 'Force From email', 'native-smtp' ),
			'force_from_name' => __( 'Force From name', 'native-smtp' ),
			'timeout'         => __( 'Timeout', 'native-smtp' ),
			'verify_peer'     => __( 'Certificate verification', 'native-smtp' ),
		);
		return $labels[ $field ] ?? $field;
	}

	private static function same_value( $a, $b ): bool {
		if ( is_bool( $a ) || is_bool( $b ) ) {
			return (bool) $a === (bool) $b;
		}
		return (string) $a === (string) $b;
	}

	/**
	 * A site's save on a network with network settings: a field the network does not let sites
	 * change is refused (a field error when the form tried to change it: the browser's form has it
	 * disabled, so only a hand-made request gets there); an allowed field is the site's own unless
	 * "Use the network's value" stays ticked with the network's value in the field.
	 */
	private static function apply_network_rules( array $input, array $old, array $out ): array {
		$net       = Native_SMTP_Config::network_stored();
		$overrides = is_array( $old['overrides'] ) ? $old['overrides'] : array();
		$inherit   = isset( $input['inherit'] ) && is_array( $input['inherit'] ) ? $input['inherit'] : array();
		foreach ( Native_SMTP_Config::page_fields() as $f ) {
			if ( 'secret' === Native_SMTP_Config::fields()[ $f ]['type'] ) {
				$posted  = array_key_exists( $f, $input ) || ! empty( $input[ $f . '_clear' ] ) || ( 'oauth_refresh_token' === $f && ! empty( $input['oauth_disconnect'] ) );
				$differs = $out[ $f ] !== $old[ $f ];
			} else {
				$posted  = array_key_exists( $f, $input );
				$differs = $posted && ! self::same_value( $out[ $f ], $net[ $f ] );
			}
			if ( ! $posted ) {
				continue;
			}
			if ( ! Native_SMTP_Config::network_allows( $f ) ) {
				if ( $differs ) {
					/* translators: %s: field label */
					self::field_error( $f, sprintf( __( '%s: set by the network administrator for every site (Network Admin → Settings → SMTP); this site cannot change it. The network’s value is used.', 'native-smtp' ), self::label( $f ) ) );
				}
				$out[ $f ]  = $old[ $f ];
				$overrides = array_diff( $overrides, array( $f ) );
				continue;
			}
			if ( ! empty( $inherit[ $f ] ) && ! $differs ) {
				$out[ $f ]  = $old[ $f ];
				$overrides = array_diff( $overrides, array( $f ) );
			} else {
				$overrides[] = $f;
			}
		}
		$out['overrides'] = array_values( array_unique( $overrides ) );
		return $out;
	}

	/**
	 * The provider preset of a save. A preset (or its region) that changed fills host, port,
	 * encryption, auth (and username where the provider fixes it) in $input, unless the page's
	 * script already filled the fields live (preset_live=1: what the user then edited is kept).
	 * Records the preset in $out. Returns $input.
	 */
	private static function apply_preset( array $input, array $old, array &$out ): array {
		if ( ! array_key_exists( 'preset', $input ) ) {
			return $input;
		}
		$key = self::clean_text( $input['preset'], 40 );
		if ( '' === $key ) {
			$out['preset']        = '';
			$out['preset_region'] = '';
			return $input;
		}
		$preset = Native_SMTP_Presets::get( $key );
		if ( null === $preset ) {
			/* translators: %s: the value entered */
			self::field_error( 'preset', sprintf( __( 'Provider: unknown preset “%s”. The previous choice was kept.', 'native-smtp' ), $key ) );
			return $input;
		}
		$asked  = isset( $input[ 'preset_region_' . $key ] ) ? self::clean_text( $input[ 'preset_region_' . $key ], 100 ) : '';
		$region = Native_SMTP_Presets::region( $preset, $asked );
		if ( '' !== $asked && $asked !== $region ) {
			/* translators: %s: the value entered */
			self::field_error( 'preset', sprintf( __( 'Provider: unknown region “%s”; the provider’s default region was used.', 'native-smtp' ), $asked ) );
		}
		$changed              = $key !== (string) $old['preset'] || $region !== (string) $old['preset_region'];
		$out['preset']        = $key;
		$out['preset_region'] = $region;
		if ( $changed && empty( $input['preset_live'] ) ) {
			foreach ( Native_SMTP_Presets::values( $preset, $region ) as $field => $value ) {
				$input[ $field ] = (string) $value;
			}
		}
		return $input;
	}

	/* ------------------------------------------------------------------ actions */

	private static function result_key(): string {
		return 'native_smtp_result_' . get_current_user_id();
	}

	private static function guard( string $action ): void {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the SMTP settings.', 'native-smtp' ), esc_html__( 'Forbidden', 'native-smtp' ), array( 'response' => 403 ) );
		}
		check_admin_referer( $action );
	}

	/** A result array for a failure that happened before the extension was asked. */
	private static function local_failure( string $kind, string $error, string $hint = '' ): array {
		return array(
			'kind'  => $kind,
			'ok'    => false,
			'stage' => null,
			'error' => $error,
			'hint'  => $hint,
		);
	}

	private static function finish( array $result ): void {
		set_transient( self::result_key(), $result, 10 * MINUTE_IN_SECONDS );
		wp_safe_redirect( self::page_url( array( 'native-smtp-result' => $result['kind'] ) ) );
		exit;
	}

	private static function missing_function_failure( string $kind, string $fn ): array {
		if ( ! Native_SMTP_Runtime::extension_loaded() ) {
			return self::local_failure( $kind, __( 'The smtp PHP extension is not loaded, so nothing was sent.', 'native-smtp' ), __( 'Install and enable the extension (see the notice at the top of this page), then try again.', 'native-smtp' ) );
		}
		/* translators: 1: PHP function name, 2: extension version */
		return self::local_failure( $kind, sprintf( __( 'This version of the smtp extension (%2$s) has no %1$s().', 'native-smtp' ), $fn, Native_SMTP_Runtime::extension_version() ), __( 'Update the smtp extension.', 'native-smtp' ) );
	}

	public static function handle_test(): void {
		self::guard( 'native_smtp_test' );
		$to = isset( $_POST['native_smtp_to'] ) ? trim( sanitize_text_field( wp_unslash( $_POST['native_smtp_to'] ) ) ) : '';
		if ( ! is_email( $to ) ) {
			/* translators: %s: the value entered */
			self::finish( self::local_failure( 'test', sprintf( __( 'Send test email to: “%s” is not a valid email address.', 'native-smtp' ), $to ) ) );
		}
		if ( ! function_exists( 'smtp_test_send' ) ) {
			self::finish( self::missing_function_failure( 'test', 'smtp_test_send' ) );
		}
		$site = wp_specialchars_decode( get_bloginfo( 'name' ), ENT_QUOTES );
		/* translators: %s: site title */
		$subject = sprintf( __( 'Test email from %s', 'native-smtp' ), $site );
		$body    = sprintf(
			/* translators: 1: site address, 2: date and time */
			__( "This is a test email sent by the Native SMTP plugin from %1\$s on %2\$s.\n\nIf you are reading it, email from WordPress is delivered through your SMTP server.", 'native-smtp' ),
			home_url( '/' ),
			wp_date( 'Y-m-d H:i:s T' )
		);
		$result         = (array) smtp_test_send( $to, array( 'subject' => $subject, 'body' => $body ) );
		$result['kind'] = 'test';
		$result['to']   = $to;
		self::finish( $result );
	}

	public static function handle_check(): void {
		self::guard( 'native_smtp_check' );
		if ( ! function_exists( 'smtp_check' ) ) {
			self::finish( self::missing_function_failure( 'check', 'smtp_check' ) );
		}
		$options = array();
		$from    = isset( $_POST['native_smtp_probe_from'] ) ? trim( sanitize_text_field( wp_unslash( $_POST['native_smtp_probe_from'] ) ) ) : '';
		$rcpt    = isset( $_POST['native_smtp_probe_rcpt'] ) ? trim( sanitize_text_field( wp_unslash( $_POST['native_smtp_probe_rcpt'] ) ) ) : '';
		if ( Native_SMTP_Runtime::check_has_probe() ) {
			if ( '' !== $from && ! is_email( $from ) ) {
				/* translators: %s: the value entered */
				self::finish( self::local_failure( 'check', sprintf( __( 'Sender to check: “%s” is not a valid email address.', 'native-smtp' ), $from ) ) );
			}
			if ( '' !== $rcpt && ! is_email( $rcpt ) ) {
				/* translators: %s: the value entered */
				self::finish( self::local_failure( 'check', sprintf( __( 'Recipient to check: “%s” is not a valid email address.', 'native-smtp' ), $rcpt ) ) );
			}
			if ( '' !== $from ) {
				$options['probe_from'] = $from;
			}
			if ( '' !== $rcpt ) {
				$options['probe_rcpt'] = $rcpt;
			}
		}
		$result         = (array) smtp_check( $options );
		$result['kind'] = 'check';
		self::finish( $result );
	}

	/** admin-post.php?action=native_smtp_oauth_start: capability, nonce, then to the provider. */
	public static function handle_oauth_start(): void {
		self::guard( 'native_smtp_oauth_start' );
		$provider = isset( $_POST['native_smtp_oauth_provider'] ) ? sanitize_key( wp_unslash( $_POST['native_smtp_oauth_provider'] ) ) : '';
		$error    = Native_SMTP_OAuth::start( $provider ); // returns only when it cannot start
		$result   = self::local_failure( 'oauth', $error );
		$result['stage']    = 'oauth';
		$result['provider'] = $provider;
		self::finish( $result );
	}

	/** The provider's redirect back to Settings → SMTP (?code=...&state=...). */
	public static function maybe_oauth_callback(): void {
		if ( ! Native_SMTP_OAuth::is_callback() ) {
			return;
		}
		if ( ! current_user_can( self::CAPABILITY ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the SMTP settings.', 'native-smtp' ), esc_html__( 'Forbidden', 'native-smtp' ), array( 'response' => 403 ) );
		}
		self::finish( Native_SMTP_OAuth::callback() );
	}

	/** Saves settings the plugin itself changed (the OAuth connection) without sanitising them again. */
	public static function store_internal( array $stored ): void {
		$stored               = array_intersect_key( $stored, Native_SMTP_Config::defaults() );
		self::$last_sanitized = $stored;
		update_option( Native_SMTP_Config::OPTION, $stored );
	}

	/* ------------------------------------------------------------------ notice */

	public static function notice_missing_extension(): void {
		if ( Native_SMTP_Runtime::extension_loaded() || ! current_user_can( self::CAPABILITY ) ) {
			return;
		}
		$ini  = php_ini_loaded_file();
		$scan = php_ini_scanned_files();
		echo '<div class="notice notice-warning" id="native-smtp-missing-extension">';
		echo '<p><strong>' . esc_html__( 'Native SMTP: the smtp PHP extension is not loaded.', 'native-smtp' ) . '</strong> ';
		echo esc_html__( 'Your site keeps working and WordPress still sends mail with PHP’s default transport (sendmail), which many hosts do not deliver. To send through your SMTP provider, install the extension:', 'native-smtp' ) . '</p>';
		echo '<ol>';
		echo '<li>' . esc_html__( 'Build tools (Debian/Ubuntu):', 'native-smtp' ) . ' <code>apt-get install php-dev libssl-dev</code></li>';
		echo '<li>' . esc_html__( 'In the extension’s source directory:', 'native-smtp' ) . ' <code>phpize &amp;&amp; ./configure --enable-smtp &amp;&amp; make &amp;&amp; make install</code></li>';
		/* translators: %s: the PHP version, e.g. 8.2 */
		echo '<li>' . sprintf( esc_html__( 'Enable it for PHP %s:', 'native-smtp' ), esc_html( PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION ) ) . ' <code>extension=smtp</code> ';
		if ( $ini ) {
			/* translators: %s: path of php.ini */
			echo esc_html( sprintf( __( '(in %s or a file of its conf.d directory)', 'native-smtp' ), $ini ) );
		}
		echo '</li>';
		echo '<li>' . esc_html__( 'Restart PHP (php-fpm or Apache) and reload this page.', 'native-smtp' ) . '</li>';
		echo '</ol>';
		/* translators: %s: link to the settings page */
		echo '<p>' . sprintf( esc_html__( 'Then configure it on %s.', 'native-smtp' ), '<a href="' . esc_url( self::page_url() ) . '">' . esc_html__( 'Settings → SMTP', 'native-smtp' ) . '</a>' ) . '</p>';
		unset( $scan );
		echo '</div>';
	}

	/* ------------------------------------------------------------------ page */

	/** A field the current form cannot change: a constant, WPMS_*, or (on a site) the network's. */
	private static function is_locked( array $r, string $field ): bool {
		if ( in_array( $r['source'], array( 'constant', 'wpms' ), true ) ) {
			return true;
		}
		return 'site' === self::$context && 'network' === $r['source'] && ! Native_SMTP_Config::network_allows( $field );
	}

	/** "wp-config.php: NATIVE_SMTP_HOST" etc. for a resolved setting, or '' when it comes from the page. */
	private static function source_label( array $r, ?string $ini = null ): string {
		if ( $ini && isset( Native_SMTP_Runtime::refused()[ $ini ] ) ) {
			return __( 'php.ini, locked by the host (this site’s value refused)', 'native-smtp' );
		}
		switch ( $r['source'] ) {
			case 'constant':
				/* translators: %s: constant name */
				return sprintf( __( 'wp-config.php constant %s', 'native-smtp' ), $r['constant'] );
			case 'wpms':
				/* translators: %s: constant name */
				return sprintf( __( 'wp-config.php constant %s (WP Mail SMTP)', 'native-smtp' ), $r['constant'] );
			case 'network':
				if ( ! $ini || Native_SMTP_Config::active() ) {
					return __( 'network settings', 'native-smtp' );
				}
		}
		if ( $ini && ( 'none' === $r['source'] || ! Native_SMTP_Config::active() ) ) {
			if ( Native_SMTP_Runtime::locked() ) {
				return __( 'php.ini, locked by the host', 'native-smtp' );
			}
			return false !== get_cfg_var( $ini ) ? __( 'php.ini', 'native-smtp' ) : __( 'default', 'native-smtp' );
		}
		return __( 'this page', 'native-smtp' );
	}

	private static function field_errors(): array {
		$out = array();
		foreach ( get_settings_errors( Native_SMTP_Config::OPTION ) as $e ) {
			if ( 0 === strpos( (string) $e['code'], 'native_smtp_' ) ) {
				$out[ substr( $e['code'], strlen( 'native_smtp_' ) ) ] = $e['message'];
			}
		}
		return $out;
	}

	/**
	 * One row of the form. $control receives (id, name, value, disabled-attribute, extra attributes)
	 * and returns the input's HTML (escaped by the callee).
	 */
	private static function row( string $field, string $label, callable $control, string $help, array $all, array $stored, array $errors ): void {
		$r        = $all[ $field ];
		$id       = 'native-smtp-' . str_replace( '_', '-', $field );
		$name     = Native_SMTP_Config::OPTION . '[' . $field . ']';
		$locked   = self::is_locked( $r, $field );
		$value    = ( $locked || 'network' === $r['source'] ) ? $r['value'] : $stored[ $field ];
		$extra    = '';
		$describe = array();
		if ( '' !== $help ) {
			$describe[] = $id . '-help';
		}
		if ( isset( $errors[ $field ] ) ) {
			$describe[] = $id . '-error';
			$extra     .= ' aria-invalid="true"';
		}
		if ( $describe ) {
			$extra .= ' aria-describedby="' . esc_attr( implode( ' ', $describe ) ) . '"';
		}
		$disabled = $locked ? ' disabled="disabled"' : '';
		echo '<tr class="native-smtp-row' . ( $locked ? ' is-constant' : '' ) . ( isset( $errors[ $field ] ) ? ' has-error' : '' ) . '" data-field="' . esc_attr( $field ) . '">';
		echo '<th scope="row"><label for="' . esc_attr( $id ) . '">' . esc_html( $label ) . '</label></th><td>';
		echo $control( $id, $name, $value, $disabled, $extra ); // phpcs:ignore WordPress.Security.EscapeOutput -- built from escaped parts below.
		if ( $locked && 'network' === $r['source'] ) {
			echo '<p class="native-smtp-source native-smtp-network-locked"><span class="dashicons dashicons-lock" aria-hidden="true"></span> ' . esc_html__( 'Set by the network administrator for every site (Network Admin → Settings → SMTP); this site cannot change it.', 'native-smtp' ) . '</p>';
		} elseif ( $locked ) {
			/* translators: %s: where the value comes from, e.g. "wp-config.php constant NATIVE_SMTP_HOST" */
			echo '<p class="native-smtp-source"><span class="dashicons dashicons-lock" aria-hidden="true"></span> ' . esc_html( sprintf( __( 'Set by %s; the page cannot change it.', 'native-smtp' ), self::source_label( $r ) ) ) . '</p>';
		} elseif ( 'site' === self::$context && Native_SMTP_Config::network_active() ) {
			// The network lets this site set the field: ticked = the network's value (shown in the field).
			echo '<p class="native-smtp-inherit"><label><input type="checkbox" name="' . esc_attr( Native_SMTP_Config::OPTION . '[inherit][' . $field . ']' ) . '" value="1" id="' . esc_attr( $id . '-inherit' ) . '"' . checked( 'network' === $r['source'], true, false ) . ' /> ' . esc_html__( 'Use the network’s value (untick, or change the field, to set this site’s own)', 'native-smtp' ) . '</label></p>';
		} elseif ( 'network' === self::$context ) {
			$allow = ! empty( Native_SMTP_Config::network_stored()['allow'][ $field ] );
			echo '<p class="native-smtp-allow"><label><input type="checkbox" name="' . esc_attr( Native_SMTP_Config::OPTION . '[allow][' . $field . ']' ) . '" value="1" id="' . esc_attr( $id . '-allow' ) . '"' . checked( $allow, true, false ) . ' /> ' . esc_html__( 'Sites may change this', 'native-smtp' ) . '</label></p>';
		}
		if ( isset( $errors[ $field ] ) ) {
			echo '<p class="native-smtp-field-error" id="' . esc_attr( $id . '-error' ) . '">' . esc_html( $errors[ $field ] ) . '</p>';
		}
		if ( '' !== $help ) {
			echo '<p class="description" id="' . esc_attr( $id . '-help' ) . '">' . wp_kses( $help, array( 'code' => array(), 'strong' => array() ) ) . '</p>';
		}
		echo '</td></tr>';
	}

	private static function text_control( string $type = 'text', array $attrs = array() ): callable {
		return static function ( $id, $name, $value, $disabled, $extra ) use ( $type, $attrs ) {
			$a = '';
			foreach ( $attrs as $k => $v ) {
				$a .= ' ' . $k . '="' . esc_attr( $v ) . '"';
			}
			return sprintf( '<input type="%s" id="%s" name="%s" value="%s" class="regular-text"%s%s%s />', esc_attr( $type ), esc_attr( $id ), esc_attr( $name ), esc_attr( (string) $value ), $a, $disabled, $extra );
		};
	}

	private static function select_control( array $choices ): callable {
		return static function ( $id, $name, $value, $disabled, $extra ) use ( $choices ) {
			$h = sprintf( '<select id="%s" name="%s"%s%s>', esc_attr( $id ), esc_attr( $name ), $disabled, $extra );
			foreach ( $choices as $k => $label ) {
				$h .= sprintf( '<option value="%s"%s>%s</option>', esc_attr( $k ), selected( (string) $value, (string) $k, false ), esc_html( $label ) );
			}
			return $h . '</select>';
		};
	}

	private static function checkbox_control( string $label ): callable {
		return static function ( $id, $name, $value, $disabled, $extra ) use ( $label ) {
			// The hidden 0 makes an unticked box arrive as "0"; a disabled pair sends nothing (value kept).
			return sprintf( '<input type="hidden" name="%1$s" value="0"%4$s /><label><input type="checkbox" id="%2$s" name="%1$s" value="1"%3$s%4$s%5$s /> %6$s</label>', esc_attr( $name ), esc_attr( $id ), checked( (bool) $value, true, false ), $disabled, $extra, esc_html( $label ) );
		};
	}

	/** The "Provider" select, one region select per provider that has regions, and the note. */
	private static function render_preset_rows( array $all, array $stored, array $errors ): void {
		$presets = Native_SMTP_Presets::all();
		$current = isset( $presets[ (string) $stored['preset'] ] ) ? (string) $stored['preset'] : '';
		$locked  = self::is_locked( $all['host'], 'host' );
		$dis     = $locked ? ' disabled="disabled"' : '';
		$name    = Native_SMTP_Config::OPTION;
		echo '<tr class="native-smtp-row' . ( isset( $errors['preset'] ) ? ' has-error' : '' ) . '" data-field="preset"><th scope="row"><label for="native-smtp-preset">' . esc_html__( 'Provider', 'native-smtp' ) . '</label></th><td>';
		echo '<select id="native-smtp-preset" name="' . esc_attr( $name . '[preset]' ) . '" aria-describedby="native-smtp-preset-help native-smtp-preset-note"' . $dis . '>'; // phpcs:ignore WordPress.Security.EscapeOutput
		echo '<option value="">' . esc_html__( 'Other (enter the server below)', 'native-smtp' ) . '</option>';
		foreach ( $presets as $key => $p ) {
			echo '<option value="' . esc_attr( $key ) . '"' . selected( $current, $key, false ) . '>' . esc_html( $p['label'] ) . '</option>';
		}
		echo '</select>';
		echo '<input type="hidden" id="native-smtp-preset-live" name="' . esc_attr( $name . '[preset_live]' ) . '" value="0" />';
		if ( isset( $errors['preset'] ) ) {
			echo '<p class="native-smtp-field-error" id="native-smtp-preset-error">' . esc_html( $errors['preset'] ) . '</p>';
		}
		echo '<p class="description native-smtp-preset-note" id="native-smtp-preset-note"' . ( '' === $current ? ' hidden' : '' ) . '>' . esc_html( '' === $current ? '' : $presets[ $current ]['note'] ) . '</p>';
		echo '<p class="description" id="native-smtp-preset-help">' . esc_html__( 'Choosing a provider fills the host, port and encryption below (when you save, if JavaScript is off). You can still change them.', 'native-smtp' ) . '</p>';
		echo '</td></tr>';
		foreach ( $presets as $key => $p ) {
			if ( ! $p['regions'] ) {
				continue;
			}
			$id     = 'native-smtp-preset-region-' . $key;
			$region = $current === $key ? Native_SMTP_Presets::region( $p, (string) $stored['preset_region'] ) : $p['region'];
			/* translators: %s: provider name, e.g. Amazon SES */
			echo '<tr class="native-smtp-row native-smtp-region-row" data-preset="' . esc_attr( $key ) . '"><th scope="row"><label for="' . esc_attr( $id ) . '">' . esc_html( sprintf( __( '%s region', 'native-smtp' ), $p['label'] ) ) . '</label></th><td>';
			echo '<select id="' . esc_attr( $id ) . '" name="' . esc_attr( $name . '[preset_region_' . $key . ']' ) . '"' . $dis . '>'; // phpcs:ignore WordPress.Security.EscapeOutput
			foreach ( $p['regions'] as $r => $label ) {
				echo '<option value="' . esc_attr( (string) $r ) . '"' . selected( $region, (string) $r, false ) . '>' . esc_html( $label ) . '</option>';
			}
			echo '</select></td></tr>';
		}
	}

	/** The OAuth part of the form: provider, app, tenant, scope, grant, the custom endpoints, the connection. */
	private static function render_oauth_rows( array $all, array $stored, array $errors ): void {
		echo '<h2 id="native-smtp-oauth-title">' . esc_html__( 'OAuth 2.0 (instead of a password)', 'native-smtp' ) . '</h2>';
		if ( ! Native_SMTP_Runtime::has_oauth() ) {
			echo '<p class="description" id="native-smtp-oauth-unavailable">' . esc_html__( 'This build of the smtp extension does not fetch OAuth tokens itself (no smtp_oauth_exchange()): update it to connect a Google or Microsoft account.', 'native-smtp' ) . '</p>';
			return;
		}
		echo '<table class="form-table" role="presentation">';
		self::row(
			'oauth_provider',
			__( 'Provider', 'native-smtp' ),
			self::select_control(
				array(
					''          => __( 'None (use the password above)', 'native-smtp' ),
					'google'    => __( 'Google (Gmail, Google Workspace)', 'native-smtp' ),
					'microsoft' => __( 'Microsoft 365 / Outlook', 'native-smtp' ),
					'custom'    => __( 'Custom provider', 'native-smtp' ),
				)
			),
			__( 'With a provider, the extension logs in with XOAUTH2 (smtp.auth = xoauth2) and fetches and refreshes the access token itself; the username is the mailbox. Register an app with the provider, enter its client ID and secret, save, then press Connect below.', 'native-smtp' ),
			$all,
			$stored,
			$errors
		);
		self::row( 'oauth_client_id', __( 'Client ID', 'native-smtp' ), self::text_control( 'text', array( 'autocomplete' => 'off', 'spellcheck' => 'false' ) ), '', $all, $stored, $errors );
		self::row( 'oauth_client_secret', __( 'Client secret', 'native-smtp' ), self::secret_control( $all['oauth_client_secret'], $stored, 'oauth_client_secret' ), __( 'Stored encrypted like the password and never shown again.', 'native-smtp' ), $all, $stored, $errors );
		self::row( 'oauth_tenant', __( 'Tenant (Microsoft)', 'native-smtp' ), self::text_control( 'text', array( 'placeholder' => 'contoso.onmicrosoft.com', 'spellcheck' => 'false' ) ), __( 'The directory’s tenant ID or domain. Empty: common (any work, school or personal account the app allows).', 'native-smtp' ), $all, $stored, $errors );
		self::row( 'oauth_scope', __( 'Scope', 'native-smtp' ), self::text_control( 'text', array( 'spellcheck' => 'false' ) ), __( 'Empty: <code>https://mail.google.com/</code> for Google, <code>https://outlook.office.com/SMTP.Send offline_access</code> for Microsoft.', 'native-smtp' ), $all, $stored, $errors );
		self::row(
			'oauth_grant',
			__( 'Grant', 'native-smtp' ),
			self::select_control(
				array(
					'refresh_token'      => __( 'A connected account (refresh token)', 'native-smtp' ),
					'client_credentials' => __( 'The app itself (Microsoft SMTP.SendAsApp, client credentials)', 'native-smtp' ),
				)
			),
			'',
			$all,
			$stored,
			$errors
		);
		self::row( 'oauth_authorize_url', __( 'Authorization URL (custom)', 'native-smtp' ), self::text_control( 'url', array( 'placeholder' => 'https://auth.example.com/authorize', 'spellcheck' => 'false' ) ), '', $all, $stored, $errors );
		self::row( 'oauth_token_url', __( 'Token URL (custom)', 'native-smtp' ), self::text_control( 'url', array( 'placeholder' => 'https://auth.example.com/token', 'spellcheck' => 'false' ) ), __( 'Only for a custom provider; Google’s and Microsoft’s endpoints are built in.', 'native-smtp' ), $all, $stored, $errors );
		$token = $all['oauth_refresh_token'];
		echo '<tr class="native-smtp-row" data-field="oauth_refresh_token"><th scope="row">' . esc_html__( 'Connected account', 'native-smtp' ) . '</th><td id="native-smtp-oauth-connection">';
		if ( '' !== (string) $token['value'] ) {
			echo '<span class="native-smtp-ok">' . esc_html__( 'connected: a refresh token is stored (encrypted)', 'native-smtp' ) . '</span>';
			if ( ! self::is_locked( $token, 'oauth_refresh_token' ) && 'page' === $token['source'] ) {
				echo ' <label><input type="checkbox" name="' . esc_attr( Native_SMTP_Config::OPTION . '[oauth_disconnect]' ) . '" value="1" id="native-smtp-oauth-disconnect" /> ' . esc_html__( 'Disconnect (remove the stored refresh token)', 'native-smtp' ) . '</label>';
			}
		} else {
			echo esc_html__( 'not connected', 'native-smtp' );
		}
		if ( null !== $token['error'] ) {
			echo '<p class="native-smtp-field-error">' . esc_html( $token['error'] ) . '</p>';
		}
		echo '</td></tr></table>';
	}

	/** A write-only secret input (the client secret): the stored value is never rendered. */
	private static function secret_control( array $resolved, array $stored, string $field ): callable {
		return static function ( $id, $name, $value, $disabled, $extra ) use ( $resolved, $stored, $field ) {
			unset( $value );
			$has = in_array( $resolved['source'], array( 'constant', 'wpms', 'network' ), true ) ? '' !== (string) $resolved['value'] : '' !== (string) $stored[ $field ];
			$ph  = $has ? __( 'Stored — leave empty to keep it', 'native-smtp' ) : __( 'Not set', 'native-smtp' );
			$h   = sprintf( '<input type="password" id="%s" name="%s" value="" class="regular-text" autocomplete="new-password" placeholder="%s"%s%s />', esc_attr( $id ), esc_attr( $name ), esc_attr( $ph ), $disabled, $extra );
			if ( '' === $disabled && $has && 'page' === $resolved['source'] ) {
				$h .= sprintf( ' <label><input type="checkbox" name="%s" value="1" /> %s</label>', esc_attr( Native_SMTP_Config::OPTION . '[' . $field . '_clear]' ), esc_html__( 'Remove it', 'native-smtp' ) );
			}
			return $h;
		};
	}

	/** The Connect buttons (each its own form: admin-post.php, nonce, capability) and the redirect URI. */
	private static function render_oauth_connect( array $all ): void {
		if ( ! Native_SMTP_Runtime::has_oauth() || 'site' !== self::$context ) {
			return;
		}
		echo '<div class="native-smtp-tools native-smtp-oauth-connect" id="native-smtp-oauth-connect"><h2>' . esc_html__( 'Connect an account (OAuth)', 'native-smtp' ) . '</h2>';
		echo '<p class="description">' . esc_html__( 'Uses the saved client ID and secret. The provider asks you to sign in and allow sending email, then sends you back here; the refresh token it gives is stored encrypted. Register this redirect URI in the app:', 'native-smtp' ) . ' <code id="native-smtp-oauth-redirect">' . esc_html( Native_SMTP_OAuth::redirect_uri() ) . '</code></p>';
		$buttons = array(
			'google'    => __( 'Connect with Google', 'native-smtp' ),
			'microsoft' => __( 'Connect with Microsoft', 'native-smtp' ),
			'custom'    => __( 'Connect with the custom provider', 'native-smtp' ),
		);
		$can = '' !== (string) $all['oauth_client_id']['value'];
		foreach ( $buttons as $provider => $label ) {
			echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" class="native-smtp-oauth-form">';
			echo '<input type="hidden" name="action" value="native_smtp_oauth_start" />';
			echo '<input type="hidden" name="native_smtp_oauth_provider" value="' . esc_attr( $provider ) . '" />';
			wp_nonce_field( 'native_smtp_oauth_start' );
			echo '<button type="submit" class="button' . ( $provider === $all['oauth_provider']['value'] ? ' button-primary' : '' ) . '" id="native-smtp-connect-' . esc_attr( $provider ) . '"' . ( $can ? '' : ' disabled="disabled"' ) . '>' . esc_html( $label ) . '</button>';
			echo '</form>';
		}
		if ( ! $can ) {
			echo '<p class="description" id="native-smtp-oauth-need-client">' . esc_html__( 'Enter and save the app’s client ID first.', 'native-smtp' ) . '</p>';
		}
		echo '</div>';
	}

	public static function render(): void {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the SMTP settings.', 'native-smtp' ), '', array( 'response' => 403 ) );
		}
		$all    = Native_SMTP_Config::resolve_all();
		$stored = Native_SMTP_Config::stored();
		$errors = self::field_errors();

		echo '<div class="wrap native-smtp">';
		echo '<h1>' . esc_html__( 'SMTP', 'native-smtp' ) . '</h1>';

		self::render_result();

		echo '<div class="native-smtp-columns"><div class="native-smtp-main">';
		self::render_form( $all, $stored, $errors );
		self::render_oauth_connect( $all );
		self::render_tools();
		echo '</div><div class="native-smtp-side">';
		self::render_status( $all );
		Native_SMTP_Queue::render_box();
		echo '</div></div></div>';
	}

	private static function render_form( array $all, array $stored, array $errors ): void {
		if ( 'network' === self::$context ) {
			echo '<form method="post" action="' . esc_url( network_admin_url( 'edit.php?action=native_smtp_network' ) ) . '" class="native-smtp-form" novalidate="novalidate">';
			wp_nonce_field( 'native_smtp_network' );
		} else {
			echo '<form method="post" action="' . esc_url( admin_url( 'options.php' ) ) . '" class="native-smtp-form" novalidate="novalidate">';
			settings_fields( self::GROUP );
			if ( Native_SMTP_Config::network_active() ) {
				echo '<div class="notice notice-info inline" id="native-smtp-network-note"><p>' . esc_html__( 'This site uses the SMTP settings of its network (Network Admin → Settings → SMTP). Fields the network administrator lets sites change have a “Use the network’s value” box; the others are shown read-only.', 'native-smtp' ) . '</p></div>';
			}
		}
		if ( Native_SMTP_Runtime::locked() ) {
			echo '<div class="notice notice-warning inline" id="native-smtp-locked"><p>' . esc_html__( 'Your host has locked the mail settings (smtp.allow_runtime_config = 0 in php.ini): PHP refuses to change them, so the values from php.ini are used and the settings below have no effect.', 'native-smtp' ) . '</p></div>';
		}
		echo '<h2>' . esc_html__( 'Server', 'native-smtp' ) . '</h2><table class="form-table" role="presentation">';
		self::render_preset_rows( $all, $stored, $errors );
		self::row( 'host', __( 'SMTP host', 'native-smtp' ), self::text_control( 'text', array( 'placeholder' => 'smtp.example.com', 'autocomplete' => 'off', 'spellcheck' => 'false' ) ), __( 'Your provider’s submission server, e.g. <code>smtp.gmail.com</code>. Several, separated by commas, are tried in order. Empty: the plugin sets nothing and PHP’s own settings apply.', 'native-smtp' ), $all, $stored, $errors );
		$port_control = self::text_control( 'text', array( 'inputmode' => 'numeric', 'placeholder' => '587', 'class' => 'small-text' ) );
		self::row(
			'port',
			__( 'Port', 'native-smtp' ),
			static function ( $id, $name, $value, $disabled, $extra ) use ( $port_control ) {
				return $port_control( $id, $name, ( 0 === (int) $value && is_numeric( $value ) ) ? '' : $value, $disabled, $extra );
			},
			__( 'Empty: 465 with SSL/TLS, otherwise 587.', 'native-smtp' ),
			$all,
			$stored,
			$errors
		);
		self::row(
			'encryption',
			__( 'Encryption', 'native-smtp' ),
			self::select_control(
				array(
					'auto' => __( 'Automatic (SSL/TLS on port 465, otherwise STARTTLS)', 'native-smtp' ),
					'tls'  => __( 'STARTTLS (port 587)', 'native-smtp' ),
					'ssl'  => __( 'SSL/TLS (port 465)', 'native-smtp' ),
					'none' => __( 'None', 'native-smtp' ),
				)
			),
			__( 'Automatic requires STARTTLS whenever a username is set.', 'native-smtp' ),
			$all,
			$stored,
			$errors
		);
		echo '</table><h2>' . esc_html__( 'Authentication', 'native-smtp' ) . '</h2><table class="form-table" role="presentation">';
		self::row(
			'auth',
			__( 'Method', 'native-smtp' ),
			self::select_control(
				array(
					'auto'     => __( 'Automatic (strongest the server offers)', 'native-smtp' ),
					'plain'    => 'PLAIN',
					'login'    => 'LOGIN',
					'cram-md5' => 'CRAM-MD5',
					'xoauth2'  => 'XOAUTH2',
					'none'     => __( 'None (do not authenticate)', 'native-smtp' ),
				)
			),
			'',
			$all,
			$stored,
			$errors
		);
		self::row( 'username', __( 'Username', 'native-smtp' ), self::text_control( 'text', array( 'autocomplete' => 'off', 'spellcheck' => 'false' ) ), __( 'Usually your full email address. Empty: no authentication.', 'native-smtp' ), $all, $stored, $errors );
		$pass = $all['password'];
		self::row(
			'password',
			__( 'Password', 'native-smtp' ),
			static function ( $id, $name, $value, $disabled, $extra ) use ( $pass, $stored ) {
				unset( $value ); // never rendered
				$has = in_array( $pass['source'], array( 'constant', 'wpms', 'network' ), true ) ? '' !== (string) $pass['value'] : '' !== (string) $stored['password'];
				$ph  = $has ? __( 'Stored — leave empty to keep it', 'native-smtp' ) : __( 'Not set', 'native-smtp' );
				$h   = sprintf( '<input type="password" id="%s" name="%s" value="" class="regular-text" autocomplete="new-password" placeholder="%s"%s%s />', esc_attr( $id ), esc_attr( $name ), esc_attr( $ph ), $disabled, $extra );
				if ( '' === $disabled && $has && 'network' !== $pass['source'] ) {
					$h .= sprintf( ' <label><input type="checkbox" name="%s" value="1" id="native-smtp-password-clear" /> %s</label>', esc_attr( Native_SMTP_Config::OPTION . '[password_clear]' ), esc_html__( 'Remove the stored password', 'native-smtp' ) );
				}
				return $h;
			},
			__( 'For Gmail and Microsoft 365, an <strong>app password</strong>. It is stored encrypted and never shown again; leave the field empty to keep the stored one.', 'native-smtp' ),
			$all,
			$stored,
			$errors
		);
		if ( null !== $pass['error'] ) {
			echo '<tr><td colspan="2"><div class="notice notice-error inline"><p>' . esc_html( $pass['error'] ) . '</p></div></td></tr>';
		}
		echo '</table>';
		self::render_oauth_rows( $all, $stored, $errors );
		echo '<h2>' . esc_html__( 'Sender', 'native-smtp' ) . '</h2><table class="form-table" role="presentation">';
		self::row( 'from', __( 'From email', 'native-smtp' ), self::text_control( 'email', array( 'placeholder' => 'you@example.com' ) ), __( 'Replaces WordPress’s default address (wordpress@your-site) and is the envelope sender of every message. Most providers only accept their own address here.', 'native-smtp' ), $all, $stored, $errors );
		self::row( 'force_from', __( 'Force From email', 'native-smtp' ), self::checkbox_control( __( 'Use this address for every email, even when a plugin sets its own', 'native-smtp' ) ), '', $all, $stored, $errors );
		self::row( 'from_name', __( 'From name', 'native-smtp' ), self::text_control( 'text' ), __( 'Replaces the default name “WordPress”.', 'native-smtp' ), $all, $stored, $errors );
		self::row( 'force_from_name', __( 'Force From name', 'native-smtp' ), self::checkbox_control( __( 'Use this name for every email, even when a plugin sets its own', 'native-smtp' ) ), '', $all, $stored, $errors );
		echo '</table><h2>' . esc_html__( 'Connection', 'native-smtp' ) . '</h2><table class="form-table" role="presentation">';
		self::row( 'timeout', __( 'Timeout', 'native-smtp' ), self::text_control( 'text', array( 'inputmode' => 'numeric', 'class' => 'small-text' ) ), __( 'Seconds, 1–3600: the longest a page waits for the mail server.', 'native-smtp' ), $all, $stored, $errors );
		self::row( 'verify_peer', __( 'Certificate verification', 'native-smtp' ), self::checkbox_control( __( 'Verify the server’s certificate and host name (recommended)', 'native-smtp' ) ), '', $all, $stored, $errors );
		echo '</table>';
		submit_button( __( 'Save settings', 'native-smtp' ) );
		echo '</form>';
	}

	private static function render_tools(): void {
		$can  = Native_SMTP_Runtime::extension_loaded();
		$dis  = $can ? '' : ' disabled="disabled"';
		$user = wp_get_current_user();
		echo '<div class="native-smtp-tools"><h2>' . esc_html__( 'Test', 'native-smtp' ) . '</h2>';
		if ( ! $can ) {
			echo '<p class="description">' . esc_html__( 'Testing needs the smtp extension (see the notice above).', 'native-smtp' ) . '</p>';
		} else {
			echo '<p class="description">' . esc_html__( 'Uses the saved settings. Save first if you changed anything.', 'native-smtp' ) . '</p>';
		}
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" class="native-smtp-test-form">';
		echo '<input type="hidden" name="action" value="native_smtp_test" />';
		wp_nonce_field( 'native_smtp_test' );
		echo '<label for="native-smtp-to">' . esc_html__( 'Send test email to', 'native-smtp' ) . '</label> ';
		echo '<input type="email" id="native-smtp-to" name="native_smtp_to" class="regular-text" value="' . esc_attr( $user->user_email ) . '"' . $dis . ' /> '; // phpcs:ignore WordPress.Security.EscapeOutput
		echo '<button type="submit" class="button button-primary" id="native-smtp-send-test"' . $dis . '>' . esc_html__( 'Send test email', 'native-smtp' ) . '</button>'; // phpcs:ignore WordPress.Security.EscapeOutput
		echo '</form>';
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" class="native-smtp-check-form">';
		echo '<input type="hidden" name="action" value="native_smtp_check" />';
		wp_nonce_field( 'native_smtp_check' );
		if ( $can && Native_SMTP_Runtime::check_has_probe() ) {
			$from = (string) Native_SMTP_Config::resolve( 'from' )['value'];
			if ( '' === $from ) {
				$from = (string) ini_get( 'smtp.from' );
			}
			echo '<p><label for="native-smtp-probe-from">' . esc_html__( 'Sender to check', 'native-smtp' ) . '</label> ';
			echo '<input type="email" id="native-smtp-probe-from" name="native_smtp_probe_from" class="regular-text" value="' . esc_attr( $from ) . '" aria-describedby="native-smtp-probe-help" /></p>';
			echo '<p><label for="native-smtp-probe-rcpt">' . esc_html__( 'Recipient to check (optional)', 'native-smtp' ) . '</label> ';
			echo '<input type="email" id="native-smtp-probe-rcpt" name="native_smtp_probe_rcpt" class="regular-text" value="" aria-describedby="native-smtp-probe-help" /></p>';
			echo '<button type="submit" class="button" id="native-smtp-check">' . esc_html__( 'Check connection', 'native-smtp' ) . '</button> ';
			echo '<span class="description" id="native-smtp-probe-help">' . esc_html__( 'Connects, starts TLS and logs in, then asks the server whether it accepts this sender (MAIL FROM) and recipient (RCPT TO) and cancels (RSET): nothing is sent. A provider that refuses to let this login send as the address says so here.', 'native-smtp' ) . '</span>';
		} else {
			echo '<button type="submit" class="button" id="native-smtp-check"' . $dis . '>' . esc_html__( 'Check connection', 'native-smtp' ) . '</button> ';
			echo '<span class="description">' . esc_html__( 'Connects, starts TLS and logs in, without sending anything.', 'native-smtp' ) . '</span>';
			if ( $can ) {
				/* translators: %s: extension version */
				echo '<p class="description" id="native-smtp-probe-unavailable">' . esc_html( sprintf( __( 'This version of the smtp extension (%s) cannot check a sender address: the check stops after logging in. Update the extension to check whether the server lets this login send as your From address.', 'native-smtp' ), Native_SMTP_Runtime::extension_version() ) ) . '</p>';
			}
		}
		echo '</form></div>';
	}

	private static function yes_no( $v ): string {
		return $v ? __( 'yes', 'native-smtp' ) : __( 'no', 'native-smtp' );
	}

	private static function render_status( array $all ): void {
		$loaded = Native_SMTP_Runtime::extension_loaded();
		echo '<div class="native-smtp-status card" id="native-smtp-status"><h2>' . esc_html__( 'Status', 'native-smtp' ) . '</h2><table class="native-smtp-kv">';
		echo '<tr><th>' . esc_html__( 'smtp extension', 'native-smtp' ) . '</th><td id="native-smtp-status-extension">';
		if ( $loaded ) {
			/* translators: %s: version */
			echo '<span class="native-smtp-ok">' . esc_html( sprintf( __( 'loaded, version %s', 'native-smtp' ), Native_SMTP_Runtime::extension_version() ) ) . '</span>';
		} else {
			echo '<span class="native-smtp-bad">' . esc_html__( 'not loaded', 'native-smtp' ) . '</span>';
		}
		echo '</td></tr><tr><th>' . esc_html__( 'Mail goes through', 'native-smtp' ) . '</th><td id="native-smtp-status-transport">';
		$host = $loaded ? (string) ini_get( 'smtp.host' ) : '';
		if ( '' !== $host ) {
			/* translators: %s: SMTP host */
			echo esc_html( sprintf( __( 'SMTP: %s', 'native-smtp' ), $host ) );
		} else {
			/* translators: %s: sendmail_path */
			echo esc_html( sprintf( __( 'PHP’s sendmail (%s)', 'native-smtp' ), (string) ini_get( 'sendmail_path' ) ) );
		}
		echo '</td></tr><tr><th>' . esc_html__( 'Runtime configuration', 'native-smtp' ) . '</th><td id="native-smtp-status-lock">';
		if ( ! $loaded ) {
			echo '—';
		} elseif ( Native_SMTP_Runtime::locked() ) {
			echo '<span class="native-smtp-bad">' . esc_html__( 'locked by the host (smtp.allow_runtime_config = 0): php.ini’s values are used', 'native-smtp' ) . '</span>';
		} else {
			echo esc_html__( 'allowed', 'native-smtp' );
		}
		echo '</td></tr><tr><th>' . esc_html__( 'Password storage', 'native-smtp' ) . '</th><td>';
		echo esc_html( 'constant' === Native_SMTP_Crypto::key_source() ? __( 'encrypted (sodium), key NATIVE_SMTP_KEY', 'native-smtp' ) : __( 'encrypted (sodium), key derived from the wp-config.php salts', 'native-smtp' ) );
		echo '</td></tr>';
		if ( $loaded ) {
			self::render_pool_row();
			self::render_oauth_status_row();
		}
		echo '</table>';

		$refused = Native_SMTP_Runtime::refused();
		if ( $refused ) {
			echo '<div class="notice notice-error inline" id="native-smtp-refused"><p><strong>' . esc_html__( 'PHP refused these settings (ini_set() returned false), so php.ini’s values are in force:', 'native-smtp' ) . '</strong> ';
			echo '<code>' . implode( '</code>, <code>', array_map( 'esc_html', array_keys( $refused ) ) ) . '</code></p>';
			/* translators: %s: PHP's warning */
			echo '<p>' . esc_html( sprintf( __( 'PHP said: “%s”', 'native-smtp' ), reset( $refused ) ) ) . '</p></div>';
		}
		if ( ! $loaded ) {
			echo '<p class="description">' . esc_html__( 'Nothing on this page is applied until the extension is loaded.', 'native-smtp' ) . '</p></div>';
			return;
		}

		echo '<h3>' . esc_html__( 'Effective settings', 'native-smtp' ) . '</h3><table class="widefat striped native-smtp-sources" id="native-smtp-sources"><thead><tr><th>' . esc_html__( 'Setting', 'native-smtp' ) . '</th><th>' . esc_html__( 'Value', 'native-smtp' ) . '</th><th>' . esc_html__( 'From', 'native-smtp' ) . '</th></tr></thead><tbody>';
		foreach ( Native_SMTP_Config::fields() as $field => $def ) {
			$r   = $all[ $field ];
			$ini = $def['ini'];
			if ( null === $ini && 'force_from_name' !== $field ) {
				continue; // the plugin's own (the custom provider's authorization URL): no ini value
			}
			if ( null === $ini ) {
				$value = self::yes_no( $r['value'] );
				$name  = __( 'force From name', 'native-smtp' );
			} else {
				$name = $ini;
				if ( $loaded ) {
					$raw = ini_get( $ini );
				} else {
					$raw = is_bool( $r['value'] ) ? ( $r['value'] ? '1' : '0' ) : (string) $r['value'];
				}
				if ( 'secret' === $def['type'] ) {
					$value = ( '' !== (string) $raw ) ? __( 'set (hidden)', 'native-smtp' ) : __( 'not set', 'native-smtp' );
				} elseif ( 'bool' === $def['type'] ) {
					$value = self::yes_no( in_array( strtolower( (string) $raw ), array( '1', 'on', 'true', 'yes' ), true ) );
				} else {
					$value = '' === (string) $raw ? '—' : (string) $raw;
				}
			}
			$label = self::source_label( $r, $ini );
			echo '<tr data-setting="' . esc_attr( $field ) . '"><td><code>' . esc_html( $name ) . '</code></td><td>' . esc_html( $value ) . '</td><td class="native-smtp-source-cell">' . esc_html( $label ) . '</td></tr>';
		}
		echo '</tbody></table>';
		if ( Native_SMTP_Config::wpms_on() ) {
			echo '<p class="description" id="native-smtp-wpms">' . esc_html__( 'WP Mail SMTP constants (WPMS_ON) found in wp-config.php: they are honoured with the same meaning. NATIVE_SMTP_* constants win over them.', 'native-smtp' ) . '</p>';
		}
		if ( $loaded && ! Native_SMTP_Config::active() ) {
			echo '<p class="description">' . esc_html__( 'No SMTP host is set on this page or in wp-config.php, so the plugin changes nothing: the values above come from php.ini.', 'native-smtp' ) . '</p>';
		}
		echo '</div>';
	}

	/** The OAuth token's state in this PHP process (smtp_oauth_status()), when a provider is in force. */
	private static function render_oauth_status_row(): void {
		if ( ! Native_SMTP_Runtime::has_oauth() ) {
			return;
		}
		$st = (array) smtp_oauth_status();
		if ( empty( $st['provider'] ) ) {
			return;
		}
		$when = static function ( $t ): string {
			return is_int( $t ) && $t > 0 ? wp_date( 'Y-m-d H:i:s T', $t ) : __( 'never', 'native-smtp' );
		};
		echo '<tr id="native-smtp-status-oauth" data-provider="' . esc_attr( (string) $st['provider'] ) . '" data-cached="' . ( empty( $st['cached'] ) ? '0' : '1' ) . '" data-error-code="' . esc_attr( (string) ( $st['last_error_code'] ?? '' ) ) . '"><th>' . esc_html__( 'OAuth token', 'native-smtp' ) . '</th><td>';
		/* translators: 1: provider, 2: grant */
		echo '<span id="native-smtp-oauth-state-provider">' . esc_html( sprintf( __( '%1$s, grant %2$s', 'native-smtp' ), (string) $st['provider'], (string) ( $st['grant'] ?? '' ) ) ) . '</span><br />';
		if ( ! empty( $st['cached'] ) ) {
			/* translators: %s: date and time */
			echo '<span id="native-smtp-oauth-valid">' . esc_html( sprintf( __( 'access token kept, valid until %s', 'native-smtp' ), $when( $st['valid_until'] ?? null ) ) ) . '</span><br />';
		} else {
			echo '<span id="native-smtp-oauth-valid">' . esc_html__( 'no access token kept in this process: the next message fetches one', 'native-smtp' ) . '</span><br />';
		}
		/* translators: %s: date and time */
		echo '<span id="native-smtp-oauth-refresh">' . esc_html( sprintf( __( 'last refresh: %s', 'native-smtp' ), $when( $st['last_refresh'] ?? null ) ) ) . '</span>';
		if ( ! empty( $st['last_error'] ) ) {
			/* translators: 1: error sentence, 2: error code */
			echo '<br /><span class="native-smtp-bad" id="native-smtp-oauth-error">' . esc_html( sprintf( __( 'last error: %1$s (%2$s)', 'native-smtp' ), (string) $st['last_error'], (string) ( $st['last_error_code'] ?? '' ) ) ) . '</span>';
		}
		echo '<p class="description">' . esc_html__( 'Per PHP worker process, like the connections above.', 'native-smtp' ) . '</p></td></tr>';
	}

	/**
	 * The "Kept connections" row: smtp.persistent and what this PHP process's connections did
	 * (smtp_stats(), extension 0.2+). Absent with an older extension that has no smtp_stats().
	 */
	private static function render_pool_row(): void {
		if ( ! function_exists( 'smtp_stats' ) ) {
			return;
		}
		$stats = (array) smtp_stats();
		$num   = static function ( string $key ) use ( $stats ): int {
			return isset( $stats[ $key ] ) && is_numeric( $stats[ $key ] ) ? max( 0, (int) $stats[ $key ] ) : 0;
		};
		$opened     = $num( 'connections_opened' );
		$reused     = $num( 'connections_reused' );
		$messages   = $num( 'messages' );
		$idle       = $num( 'idle' );
		$persistent = array_key_exists( 'persistent', $stats ) ? (bool) $stats['persistent'] : in_array( strtolower( (string) ini_get( 'smtp.persistent' ) ), array( '1', 'on', 'true', 'yes' ), true );

		$data = array(
			'persistent' => $persistent ? 1 : 0,
			'opened'     => $opened,
			'reused'     => $reused,
			'messages'   => $messages,
			'idle'       => $idle,
			'pid'        => (int) getmypid(),
		);
		echo '<tr id="native-smtp-status-pool"';
		foreach ( $data as $k => $v ) {
			echo ' data-' . esc_attr( $k ) . '="' . esc_attr( (string) $v ) . '"';
		}
		echo '><th>' . esc_html__( 'Kept connections', 'native-smtp' ) . '</th><td>';
		echo '<span id="native-smtp-pool-mode">' . esc_html(
			$persistent
				? __( 'on (smtp.persistent = 1): a connection stays open for the next message', 'native-smtp' )
				: __( 'off (smtp.persistent = 0): one connection per message', 'native-smtp' )
		) . '</span><br />';
		$counts = sprintf(
			/* translators: 1: "3 connections opened", 2: "41 reused", 3: "44 messages", 4: "2 idle now" */
			__( 'This PHP process: %1$s, %2$s, %3$s, %4$s', 'native-smtp' ),
			/* translators: %s: number of connections */
			sprintf( _n( '%s connection opened', '%s connections opened', $opened, 'native-smtp' ), number_format_i18n( $opened ) ),
			/* translators: %s: number of messages sent on a connection kept open */
			sprintf( _n( '%s reused', '%s reused', $reused, 'native-smtp' ), number_format_i18n( $reused ) ),
			/* translators: %s: number of messages the servers accepted */
			sprintf( _n( '%s message', '%s messages', $messages, 'native-smtp' ), number_format_i18n( $messages ) ),
			/* translators: %s: number of connections open now, waiting for the next message */
			sprintf( _n( '%s idle now', '%s idle now', $idle, 'native-smtp' ), number_format_i18n( $idle ) )
		);
		echo '<span id="native-smtp-pool-counts">' . esc_html( $counts ) . '</span>';
		echo '<p class="description" id="native-smtp-pool-note">' . esc_html__( 'Counted per PHP worker process since it started: the next page may come from another worker, with its own numbers.', 'native-smtp' ) . '</p>';
		echo '</td></tr>';
	}

	/* ------------------------------------------------------------------ result panel */

	private static function render_oauth_result( array $r, bool $ok ): void {
		$name = Native_SMTP_OAuth::label( (string) ( $r['provider'] ?? '' ) );
		if ( $ok ) {
			/* translators: %s: provider name */
			$title = sprintf( __( 'Connected with %s', 'native-smtp' ), $name );
		} elseif ( '' !== $name ) {
			/* translators: %s: provider name */
			$title = sprintf( __( 'Connecting with %s failed', 'native-smtp' ), $name );
		} else {
			$title = __( 'Connecting failed', 'native-smtp' );
		}
		echo '<div class="native-smtp-result ' . ( $ok ? 'is-ok' : 'is-fail' ) . '" id="native-smtp-result" role="status" data-ok="' . ( $ok ? '1' : '0' ) . '" data-kind="oauth">';
		echo '<h2><span class="dashicons ' . ( $ok ? 'dashicons-yes-alt' : 'dashicons-warning' ) . '" aria-hidden="true"></span> ' . esc_html( $title ) . '</h2>';
		if ( $ok ) {
			echo '<p class="native-smtp-summary">' . esc_html__( 'A refresh token is stored, encrypted. Mail now logs in with XOAUTH2; the extension fetches and refreshes the access tokens. Send a test email to check.', 'native-smtp' ) . '</p>';
			if ( ! empty( $r['scope'] ) ) {
				/* translators: %s: OAuth scope */
				echo '<p id="native-smtp-oauth-scope">' . esc_html( sprintf( __( 'Scope granted: %s', 'native-smtp' ), (string) $r['scope'] ) ) . '</p>';
			}
		} elseif ( ! empty( $r['error'] ) ) {
			echo '<p class="native-smtp-summary native-smtp-error">' . esc_html( (string) $r['error'] ) . ( ! empty( $r['error_code'] ) ? ' <code>' . esc_html( (string) $r['error_code'] ) . '</code>' : '' ) . '</p>';
		}
		if ( ! empty( $r['hint'] ) ) {
			echo '<div class="native-smtp-hint" id="native-smtp-hint"><p><strong>' . esc_html__( 'What to do:', 'native-smtp' ) . '</strong> ' . esc_html( (string) $r['hint'] ) . '</p></div>';
		}
		echo '</div>';
	}

	/** " — 250" after a probed address, or " — no answer" when the server was not asked. */
	private static function probe_code( $code ): string {
		if ( null === $code || '' === $code || 0 === (int) $code ) {
			return ' — ' . __( 'not asked', 'native-smtp' );
		}
		return ' — ' . (int) $code . ( (int) $code < 300 ? ' ' . __( '(accepted)', 'native-smtp' ) : ' ' . __( '(refused)', 'native-smtp' ) );
	}

	/**
	 * After a failed connect: which of 465, 587, 2525 and the port asked accept a connection on that
	 * host, as the extension probed them ('ports' => [port => 'open'|'refused'|'timeout'|'unreachable',
	 * 'asked' => port]).
	 */
	private static function render_ports( array $ports, int $asked, string $host ): void {
		if ( isset( $ports['asked'] ) && is_numeric( $ports['asked'] ) ) {
			$asked = (int) $ports['asked'];
		}
		$states = array(
			'open'        => __( 'open: accepts connections', 'native-smtp' ),
			'refused'     => __( 'refused: nothing listens there, or a firewall rejects it', 'native-smtp' ),
			'timeout'     => __( 'no answer: a firewall drops it (often the hosting provider’s)', 'native-smtp' ),
			'unreachable' => __( 'unreachable: no route to the host', 'native-smtp' ),
		);
		$rows = array();
		foreach ( $ports as $port => $state ) {
			if ( is_int( $port ) && $port > 0 && $port < 65536 && is_string( $state ) ) {
				$rows[ $port ] = $state;
			}
		}
		if ( isset( $ports['asked'] ) && is_string( $ports['asked'] ) && ! is_numeric( $ports['asked'] ) && $asked > 0 && ! isset( $rows[ $asked ] ) ) {
			$rows[ $asked ] = $ports['asked']; // the asked port's state under its own key
		}
		if ( ! $rows ) {
			return;
		}
		ksort( $rows );
		/* translators: %s: host name */
		echo '<h3 id="native-smtp-ports-title">' . esc_html( sprintf( __( 'Ports that answer on %s from this server', 'native-smtp' ), $host ) ) . '</h3>';
		echo '<table class="widefat striped native-smtp-ports" id="native-smtp-ports"><thead><tr><th>' . esc_html__( 'Port', 'native-smtp' ) . '</th><th>' . esc_html__( 'State', 'native-smtp' ) . '</th></tr></thead><tbody>';
		foreach ( $rows as $port => $state ) {
			$label = $states[ $state ] ?? $state;
			$note  = $port === $asked ? ' ' . __( '(the port in your settings)', 'native-smtp' ) : '';
			echo '<tr data-port="' . esc_attr( (string) $port ) . '" data-state="' . esc_attr( $state ) . '"' . ( $port === $asked ? ' class="is-asked"' : '' ) . '><td><code>' . esc_html( (string) $port ) . '</code>' . esc_html( $note ) . '</td><td>' . esc_html( $label ) . '</td></tr>';
		}
		echo '</tbody></table>';
	}

	private static function render_result(): void {
		if ( empty( $_GET['native-smtp-result'] ) ) { // phpcs:ignore WordPress.Security.NonceVerification -- display only.
			return;
		}
		$r = get_transient( self::result_key() );
		if ( ! is_array( $r ) ) {
			return;
		}
		delete_transient( self::result_key() );
		$ok    = ! empty( $r['ok'] );
		if ( 'oauth' === ( $r['kind'] ?? '' ) ) {
			self::render_oauth_result( $r, $ok );
			return;
		}
		$kind  = ( 'check' === ( $r['kind'] ?? '' ) ) ? 'check' : 'test';
		$stage = isset( $r['stage'] ) && is_string( $r['stage'] ) ? $r['stage'] : '';

		if ( $ok ) {
			$title = 'check' === $kind ? __( 'Connection works', 'native-smtp' ) : __( 'Test email sent', 'native-smtp' );
		} elseif ( '' !== $stage ) {
			/* translators: %s: SMTP stage, e.g. auth */
			$title = sprintf( 'check' === $kind ? __( 'Connection check failed at the %s stage', 'native-smtp' ) : __( 'Test email failed at the %s stage', 'native-smtp' ), $stage );
		} else {
			$title = 'check' === $kind ? __( 'Connection check failed', 'native-smtp' ) : __( 'Test email failed', 'native-smtp' );
		}
		echo '<div class="native-smtp-result ' . ( $ok ? 'is-ok' : 'is-fail' ) . '" id="native-smtp-result" role="status" data-ok="' . ( $ok ? '1' : '0' ) . '">';
		echo '<h2><span class="dashicons ' . ( $ok ? 'dashicons-yes-alt' : 'dashicons-warning' ) . '" aria-hidden="true"></span> ' . esc_html( $title ) . '</h2>';

		if ( $ok ) {
			if ( 'test' === $kind ) {
				/* translators: 1: recipient, 2: server */
				$line = sprintf( __( 'The server accepted the message for %1$s. Check that inbox (and its spam folder).', 'native-smtp' ), (string) ( $r['to'] ?? '' ) );
			} elseif ( isset( $r['probe'] ) && is_array( $r['probe'] ) && ! empty( $r['probe']['from'] ) ) {
				$line = empty( $r['probe']['rcpt'] )
					/* translators: %s: sender address */
					? sprintf( __( 'Connected, negotiated encryption, logged in, and the server accepts %s as the sender. No message was sent.', 'native-smtp' ), (string) $r['probe']['from'] )
					/* translators: 1: sender address, 2: recipient address */
					: sprintf( __( 'Connected, negotiated encryption, logged in, and the server accepts %1$s as the sender and %2$s as a recipient. No message was sent.', 'native-smtp' ), (string) $r['probe']['from'], (string) $r['probe']['rcpt'] );
			} else {
				$line = __( 'Connected, negotiated encryption and logged in. No message was sent.', 'native-smtp' );
			}
			echo '<p class="native-smtp-summary">' . esc_html( $line ) . '</p>';
		} elseif ( ! empty( $r['error'] ) ) {
			echo '<p class="native-smtp-summary native-smtp-error">' . esc_html( (string) $r['error'] ) . '</p>';
		}
		if ( ! empty( $r['hint'] ) ) {
			echo '<div class="native-smtp-hint" id="native-smtp-hint"><p><strong>' . esc_html__( 'What to do:', 'native-smtp' ) . '</strong> ' . esc_html( (string) $r['hint'] ) . '</p></div>';
		}

		$rows = array();
		if ( ! empty( $r['host'] ) ) {
			$server = (string) $r['host'] . ( ! empty( $r['port'] ) ? ':' . (int) $r['port'] : '' );
			if ( ! empty( $r['address'] ) && $r['address'] !== $r['host'] ) {
				$server .= ' (' . $r['address'] . ')';
			}
			$rows[ __( 'Server', 'native-smtp' ) ] = $server;
		}
		if ( isset( $r['code'] ) && null !== $r['code'] ) {
			$rows[ __( 'Last reply', 'native-smtp' ) ] = trim( $r['code'] . ' ' . ( $r['enhanced'] ?? '' ) . ' ' . ( $r['message'] ?? '' ) );
		}
		if ( ! empty( $r['encryption'] ) ) {
			$names = array(
				'tls'  => __( 'STARTTLS (tls)', 'native-smtp' ),
				'ssl'  => __( 'SSL/TLS from the first byte (ssl)', 'native-smtp' ),
				'none' => __( 'none', 'native-smtp' ),
			);
			$rows[ __( 'Encryption', 'native-smtp' ) ] = $names[ $r['encryption'] ] ?? (string) $r['encryption'];
		}
		if ( isset( $r['tls'] ) && is_array( $r['tls'] ) ) {
			$t = $r['tls'];
			$rows[ __( 'TLS', 'native-smtp' ) ] = trim( ( $t['protocol'] ?? '' ) . ' ' . ( $t['cipher'] ?? '' ) );
			if ( ! empty( $t['peer'] ) ) {
				$rows[ __( 'Certificate', 'native-smtp' ) ] = (string) $t['peer'];
			}
			$rows[ __( 'Certificate verified', 'native-smtp' ) ] = self::yes_no( ! empty( $t['verified'] ) );
		} elseif ( array_key_exists( 'tls', $r ) ) {
			$rows[ __( 'TLS', 'native-smtp' ) ] = __( 'none (not encrypted)', 'native-smtp' );
		}
		if ( array_key_exists( 'auth', $r ) ) {
			$rows[ __( 'Authentication', 'native-smtp' ) ] = empty( $r['auth'] ) ? __( 'none', 'native-smtp' ) : (string) $r['auth'];
		}
		if ( ! empty( $r['recipients'] ) && is_array( $r['recipients'] ) ) {
			$list = array();
			foreach ( $r['recipients'] as $addr => $rr ) {
				$rr     = (array) $rr;
				$list[] = $addr . ': ' . trim( ( $rr['code'] ?? '' ) . ' ' . ( $rr['enhanced'] ?? '' ) . ' ' . ( $rr['message'] ?? '' ) );
			}
			$rows[ __( 'Recipients', 'native-smtp' ) ] = implode( "\n", $list );
		}
		if ( isset( $r['probe'] ) && is_array( $r['probe'] ) ) {
			$pr = $r['probe'];
			if ( ! empty( $pr['from'] ) ) {
				$rows[ __( 'Sender checked', 'native-smtp' ) ] = (string) $pr['from'] . self::probe_code( $pr['mail_code'] ?? null );
			}
			if ( ! empty( $pr['rcpt'] ) ) {
				$rows[ __( 'Recipient checked', 'native-smtp' ) ] = (string) $pr['rcpt'] . self::probe_code( $pr['rcpt_code'] ?? null );
			}
		}
		if ( ! empty( $r['capabilities'] ) && is_array( $r['capabilities'] ) ) {
			$rows[ __( 'Server capabilities', 'native-smtp' ) ] = implode( ', ', array_map( 'strval', $r['capabilities'] ) );
		}
		if ( ! empty( $r['timings'] ) && is_array( $r['timings'] ) ) {
			$parts = array();
			foreach ( $r['timings'] as $k => $ms ) {
				if ( null !== $ms ) {
					$parts[] = $k . ' ' . round( (float) $ms, 1 ) . ' ms';
				}
			}
			$rows[ __( 'Timings', 'native-smtp' ) ] = implode( ', ', $parts );
		}
		if ( $rows ) {
			echo '<table class="widefat striped native-smtp-details" id="native-smtp-details"><tbody>';
			foreach ( $rows as $k => $v ) {
				echo '<tr><th scope="row">' . esc_html( $k ) . '</th><td>' . nl2br( esc_html( $v ) ) . '</td></tr>';
			}
			echo '</tbody></table>';
		}
		if ( isset( $r['ports'] ) && is_array( $r['ports'] ) ) {
			self::render_ports( $r['ports'], isset( $r['port'] ) ? (int) $r['port'] : 0, (string) ( $r['host'] ?? '' ) );
		}
		if ( ! empty( $r['transcript'] ) ) {
			echo '<details class="native-smtp-transcript" open><summary>' . esc_html__( 'Transcript', 'native-smtp' ) . '</summary><pre id="native-smtp-transcript">' . esc_html( (string) $r['transcript'] ) . '</pre></details>';
		}
		echo '</div>';
	}
}
