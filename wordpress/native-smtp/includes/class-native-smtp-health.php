<?php
/**
 * Site Health → Status: a "Mail transport" test. It reads the state only (no network), so the
 * Site Health screen never waits on a mail server; "Check connection" on Settings → SMTP does that.
 *
 * @package native-smtp
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Native_SMTP_Health {

	public static function register( $tests ) {
		$tests['direct']['native_smtp_mail_transport'] = array(
			'label' => __( 'Mail transport', 'native-smtp' ),
			'test'  => array( __CLASS__, 'run' ),
		);
		return $tests;
	}

	public static function run(): array {
		$page   = admin_url( 'options-general.php?page=native-smtp' );
		$result = array(
			'label'       => '',
			'status'      => 'good',
			'badge'       => array(
				'label' => __( 'Email', 'native-smtp' ),
				'color' => 'blue',
			),
			'description' => '',
			'actions'     => sprintf( '<p><a href="%s">%s</a></p>', esc_url( $page ), esc_html__( 'Settings → SMTP', 'native-smtp' ) ),
			'test'        => 'native_smtp_mail_transport',
		);

		if ( ! Native_SMTP_Runtime::extension_loaded() ) {
			$result['status']      = 'recommended';
			$result['badge']['color'] = 'orange';
			$result['label']       = __( 'Mail is sent with PHP’s sendmail: the smtp extension is not loaded', 'native-smtp' );
			$result['description'] = '<p>' . esc_html__( 'The Native SMTP plugin needs the smtp PHP extension to send mail over authenticated, encrypted SMTP. Until it is installed, WordPress uses PHP’s default mail transport, which many hosts do not deliver.', 'native-smtp' ) . '</p>';
			return $result;
		}

		$refused = Native_SMTP_Runtime::refused();
		$pass    = Native_SMTP_Config::resolve( 'password' );
		$host    = (string) ini_get( 'smtp.host' );

		if ( $refused ) {
			$result['status']         = 'critical';
			$result['badge']['color'] = 'red';
			$result['label']          = __( 'PHP refused some of the SMTP settings', 'native-smtp' );
			$result['description']    = '<p>' . esc_html__( 'The host locked these settings in php.ini, so the values from php.ini are used instead of this site’s:', 'native-smtp' ) . ' <code>' . esc_html( implode( ', ', array_keys( $refused ) ) ) . '</code></p>';
			return $result;
		}
		if ( null !== $pass['error'] ) {
			$result['status']         = 'critical';
			$result['badge']['color'] = 'red';
			$result['label']          = __( 'The stored SMTP password cannot be decrypted', 'native-smtp' );
			$result['description']    = '<p>' . esc_html( $pass['error'] ) . '</p>';
			return $result;
		}
		if ( '' === $host ) {
			$result['status']         = 'recommended';
			$result['badge']['color'] = 'orange';
			$result['label']          = __( 'No SMTP server is configured: mail is sent with PHP’s sendmail', 'native-smtp' );
			$result['description']    = '<p>' . esc_html__( 'The smtp extension is loaded but has no host. Enter your provider’s SMTP server on Settings → SMTP.', 'native-smtp' ) . '</p>';
			return $result;
		}
		/* translators: 1: SMTP host, 2: extension version */
		$result['label']       = sprintf( __( 'Mail is sent over SMTP to %1$s (smtp extension %2$s)', 'native-smtp' ), $host, Native_SMTP_Runtime::extension_version() );
		$result['description'] = '<p>' . esc_html__( 'Every wp_mail() and mail() is submitted by the smtp extension. Use “Send test email” on Settings → SMTP to prove delivery.', 'native-smtp' ) . '</p>';
		return $result;
	}
}
