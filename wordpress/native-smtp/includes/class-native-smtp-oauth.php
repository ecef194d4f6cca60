<?php
/**
 * "Connect with Google / Microsoft": the OAuth 2.0 authorization code flow with PKCE (RFC 6749 4.1,
 * RFC 7636 S256). The browser goes to the provider's authorization page; the provider sends it back
 * to Settings → SMTP with a code; the extension's smtp_oauth_exchange() trades the code (and the PKCE
 * verifier) for a refresh token at the token endpoint; the plugin stores it encrypted like the
 * password and applies it as smtp.oauth_refresh_token. From then on the extension fetches and
 * refreshes access tokens itself. The plugin never sees an access token.
 *
 * The state parameter is random, kept for ten minutes for the user who started (a transient keyed
 * by the user id) and carries a WordPress nonce of that user: a redirect that another user, another
 * browser session or an old attempt brings back is refused.
 *
 * @package native-smtp
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Native_SMTP_OAuth {

	const PROVIDERS = array( '', 'google', 'microsoft', 'custom' );
	const GRANTS    = array( 'refresh_token', 'client_credentials' );

	/** How long an authorization may take, from the button to the redirect back. */
	const TTL = 600;

	/** The page the provider redirects back to (register it as the app's redirect URI). */
	public static function redirect_uri(): string {
		return Native_SMTP_Admin::page_url();
	}

	/**
	 * The test-only replacements of Google's and Microsoft's endpoints: the constants
	 * NATIVE_SMTP_TEST_AUTHORIZE_URL and NATIVE_SMTP_TEST_TOKEN_URL in wp-config.php (the browser test
	 * points them at its local fake authorization server). '' when not defined.
	 */
	private static function test_constant( string $name ): string {
		return defined( $name ) && is_string( constant( $name ) ) ? (string) constant( $name ) : '';
	}

	public static function test_token_url(): string {
		return self::test_constant( 'NATIVE_SMTP_TEST_TOKEN_URL' );
	}

	/** The authorization endpoint of a provider ('' when it cannot be known: custom without a URL). */
	public static function authorize_url( string $provider, array $all ): string {
		if ( 'custom' === $provider ) {
			return (string) $all['oauth_authorize_url']['value'];
		}
		$test = self::test_constant( 'NATIVE_SMTP_TEST_AUTHORIZE_URL' );
		if ( '' !== $test ) {
			return $test;
		}
		if ( 'google' === $provider ) {
			return 'https://accounts.google.com/o/oauth2/v2/auth';
		}
		$tenant = (string) $all['oauth_tenant']['value'];
		return 'https://login.microsoftonline.com/' . rawurlencode( '' !== $tenant ? $tenant : 'common' ) . '/oauth2/v2.0/authorize';
	}

	/** The scope asked for: the setting, or the provider's for SMTP with a refresh token. */
	public static function scope( string $provider, array $all ): string {
		$scope = trim( (string) $all['oauth_scope']['value'] );
		if ( '' !== $scope ) {
			return $scope;
		}
		if ( 'google' === $provider ) {
			return 'https://mail.google.com/';
		}
		if ( 'microsoft' === $provider ) {
			return 'https://outlook.office.com/SMTP.Send offline_access';
		}
		return '';
	}

	private static function state_key(): string {
		return 'native_smtp_oauth_' . get_current_user_id();
	}

	private static function b64url( string $bin ): string {
		return rtrim( strtr( base64_encode( $bin ), '+/', '-_' ), '=' );
	}

	/**
	 * admin-post.php?action=native_smtp_oauth_start (capability and nonce checked by the caller):
	 * sends the browser to the provider's authorization page. Returns a failure sentence when it
	 * cannot (nothing to connect with), or does not return.
	 */
	public static function start( string $provider ): string {
		$all = Native_SMTP_Config::resolve_all();
		if ( ! in_array( $provider, array( 'google', 'microsoft', 'custom' ), true ) ) {
			return __( 'Connect: unknown provider.', 'native-smtp' );
		}
		if ( ! Native_SMTP_Runtime::has_oauth() ) {
			return __( 'This build of the smtp extension cannot fetch OAuth tokens (no smtp_oauth_exchange()): update it, or rebuild it with libcurl.', 'native-smtp' );
		}
		$client_id = (string) $all['oauth_client_id']['value'];
		$endpoint  = self::authorize_url( $provider, $all );
		if ( '' === $client_id ) {
			return __( 'Connect: enter the app’s client ID (and its client secret) and save first.', 'native-smtp' );
		}
		if ( '' === $endpoint || 0 !== strpos( $endpoint, 'http' ) ) {
			return __( 'Connect: enter the authorization URL of the custom provider and save first.', 'native-smtp' );
		}
		$verifier = self::b64url( random_bytes( 48 ) ); // 64 characters, RFC 7636 allows 43-128
		$random   = bin2hex( random_bytes( 16 ) );
		$state    = $random . '.' . wp_create_nonce( 'native_smtp_oauth|' . $random );
		set_transient(
			self::state_key(),
			array(
				'state'    => $state,
				'verifier' => $verifier,
				'provider' => $provider,
				'started'  => time(),
			),
			self::TTL
		);
		$args = array(
			'response_type'         => 'code',
			'client_id'             => $client_id,
			'redirect_uri'          => self::redirect_uri(),
			'scope'                 => self::scope( $provider, $all ),
			'state'                 => $state,
			'code_challenge'        => self::b64url( hash( 'sha256', $verifier, true ) ),
			'code_challenge_method' => 'S256',
		);
		if ( 'google' === $provider ) {
			$args['access_type'] = 'offline'; // a refresh token
			$args['prompt']      = 'consent'; // ... every time, not only at the first consent
		}
		$user = (string) $all['username']['value'];
		if ( '' !== $user && is_email( $user ) ) {
			$args['login_hint'] = $user;
		}
		$url = $endpoint . ( false === strpos( $endpoint, '?' ) ? '?' : '&' ) . http_build_query( $args, '', '&', PHP_QUERY_RFC3986 );
		// wp_redirect(), not wp_safe_redirect(): the provider is another host by design.
		wp_redirect( $url ); // phpcs:ignore WordPress.Security.SafeRedirect.wp_redirect_wp_redirect
		exit;
	}

	/** True when this request is the provider's redirect back to the settings page. */
	public static function is_callback(): bool {
		// phpcs:ignore WordPress.Security.NonceVerification -- the state parameter is the nonce (checked in callback()).
		return isset( $_GET['page'], $_GET['state'] ) && Native_SMTP_Admin::SLUG === $_GET['page'] && ( isset( $_GET['code'] ) || isset( $_GET['error'] ) );
	}

	/**
	 * The redirect back (capability checked by the caller): checks the state, exchanges the code
	 * and stores the refresh token. Returns the result array for the page's result panel.
	 */
	public static function callback(): array {
		// phpcs:disable WordPress.Security.NonceVerification -- the state parameter carries the nonce.
		$state = sanitize_text_field( wp_unslash( (string) $_GET['state'] ) );
		$code  = isset( $_GET['code'] ) ? sanitize_text_field( wp_unslash( (string) $_GET['code'] ) ) : '';
		$err   = isset( $_GET['error'] ) ? sanitize_text_field( wp_unslash( (string) $_GET['error'] ) ) : '';
		$desc  = isset( $_GET['error_description'] ) ? sanitize_text_field( wp_unslash( (string) $_GET['error_description'] ) ) : '';
		// phpcs:enable
		$kept = get_transient( self::state_key() );
		delete_transient( self::state_key() ); // one use, whatever happens
		$parts = explode( '.', $state, 2 );
		if ( ! is_array( $kept ) || ! hash_equals( (string) $kept['state'], $state ) || 2 !== count( $parts )
			|| ! wp_verify_nonce( $parts[1], 'native_smtp_oauth|' . $parts[0] ) ) {
			return self::failure( __( 'The authorization came back with a state that this browser session did not start (an old or foreign link, or more than ten minutes passed). Nothing was stored.', 'native-smtp' ), __( 'Press the Connect button again.', 'native-smtp' ) );
		}
		$provider = (string) $kept['provider'];
		if ( '' !== $err ) {
			/* translators: 1: the provider's error code, 2: its description */
			return self::failure( sprintf( __( 'The provider did not authorize the connection: %1$s %2$s', 'native-smtp' ), $err, $desc ), 'access_denied' === $err ? __( 'Sign in again and allow the app to send email for you.', 'native-smtp' ) : '', $provider );
		}
		$all     = Native_SMTP_Config::resolve_all();
		$options = array(
			'provider'  => $provider,
			'client_id' => (string) $all['oauth_client_id']['value'],
		);
		if ( '' !== (string) $all['oauth_client_secret']['value'] ) {
			$options['client_secret'] = (string) $all['oauth_client_secret']['value'];
		}
		$token_url = 'custom' === $provider ? (string) $all['oauth_token_url']['value'] : self::test_token_url();
		if ( '' !== $token_url ) {
			$options['token_url'] = $token_url;
		}
		if ( '' !== (string) $all['oauth_tenant']['value'] ) {
			$options['tenant'] = (string) $all['oauth_tenant']['value'];
		}
		$scope = self::scope( $provider, $all );
		if ( '' !== $scope ) {
			$options['scope'] = $scope;
		}
		$r = (array) smtp_oauth_exchange( $code, (string) $kept['verifier'], self::redirect_uri(), $options );
		if ( empty( $r['ok'] ) || ! is_string( $r['refresh_token'] ?? null ) || '' === $r['refresh_token'] ) {
			$msg = ! empty( $r['error'] ) ? (string) $r['error'] : __( 'The token endpoint gave no refresh token.', 'native-smtp' );
			return self::failure( $msg, (string) ( $r['hint'] ?? '' ), $provider, (string) ( $r['error_code'] ?? '' ) );
		}
		$stored                        = Native_SMTP_Config::stored();
		$stored['oauth_provider']      = $provider;
		$stored['oauth_grant']         = 'refresh_token';
		$stored['oauth_refresh_token'] = Native_SMTP_Crypto::encrypt( $r['refresh_token'] );
		$stored['auth']                = 'xoauth2';
		if ( is_multisite() && Native_SMTP_Config::network_active() ) {
			$over                = is_array( $stored['overrides'] ) ? $stored['overrides'] : array();
			$stored['overrides'] = array_values( array_unique( array_merge( $over, array( 'oauth_provider', 'oauth_grant', 'oauth_refresh_token', 'auth' ) ) ) );
		}
		if ( function_exists( 'sodium_memzero' ) ) {
			sodium_memzero( $r['refresh_token'] );
		}
		Native_SMTP_Admin::store_internal( $stored );
		return array(
			'kind'     => 'oauth',
			'ok'       => true,
			'stage'    => null,
			'provider' => $provider,
			'scope'    => isset( $r['scope'] ) ? (string) $r['scope'] : '',
			'error'    => null,
			'hint'     => '',
		);
	}

	private static function failure( string $error, string $hint, string $provider = '', string $code = '' ): array {
		return array(
			'kind'       => 'oauth',
			'ok'         => false,
			'stage'      => 'oauth',
			'provider'   => $provider,
			'error'      => $error,
			'error_code' => $code,
			'hint'       => $hint,
		);
	}

	/** The provider's name for the page. */
	public static function label( string $provider ): string {
		switch ( $provider ) {
			case 'google':
				return __( 'Google', 'native-smtp' );
			case 'microsoft':
				return __( 'Microsoft', 'native-smtp' );
			case 'custom':
				return __( 'the custom provider', 'native-smtp' );
		}
		return '';
	}
}
