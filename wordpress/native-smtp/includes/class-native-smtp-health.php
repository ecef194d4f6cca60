<?php
/**
 * Site Health → Status: the "Mail transport" and "Mail queue" tests. They read the state only (no
 * network), so the Site Health screen never waits on a mail server; "Check connection" on Settings →
 * SMTP does that. WP-Cron runs them weekly outside wp-admin, so nothing here needs the admin classes.
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
		$tests['direct']['native_smtp_queue'] = array(
			'label' => __( 'Mail queue', 'native-smtp' ),
			'test'  => array( __CLASS__, 'queue' ),
		);
		return $tests;
	}

	/** A good result of the test, with the link to Settings → SMTP. */
	private static function result( string $test, string $label = '' ): array {
		return array(
			'label'       => $label,
			'status'      => 'good',
			'badge'       => array(
				'label' => __( 'Email', 'native-smtp' ),
				'color' => 'blue',
			),
			'description' => '',
			'actions'     => sprintf( '<p><a href="%s">%s</a></p>', esc_url( admin_url( 'options-general.php?page=native-smtp' ) ), esc_html__( 'Settings → SMTP', 'native-smtp' ) ),
			'test'        => $test,
		);
	}

	public static function run(): array {
		$result = self::result( 'native_smtp_mail_transport' );

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

	/** The spool: warns when more than WARN_COUNT messages wait or the oldest has waited a day. */
	public static function queue(): array {
		$r = self::result( 'native_smtp_queue', __( 'The mail queue is empty or short', 'native-smtp' ) );
		$s = Native_SMTP_Queue::status();
		if ( null === $s ) {
			$r['label']       = __( 'No mail queue (smtp.spool_dir is not set)', 'native-smtp' );
			$r['description'] = '<p>' . esc_html__( 'Without a spool, a message that meets a temporary failure is not retried.', 'native-smtp' ) . '</p>';
			return $r;
		}
		$count  = Native_SMTP_Queue::num( $s, 'count' );
		$oldest = Native_SMTP_Queue::num( $s, 'oldest' );
		$age    = $oldest > 0 ? time() - $oldest : 0;
		if ( $count > Native_SMTP_Queue::WARN_COUNT || $age > Native_SMTP_Queue::WARN_AGE ) {
			$r['status']         = 'recommended';
			$r['badge']['color'] = 'orange';
			$r['label']          = __( 'Mail is waiting in the queue: the SMTP server has been failing', 'native-smtp' );
			$r['description']    = '<p id="native-smtp-health-queue">' . esc_html(
				sprintf(
					/* translators: 1: number of messages, 2: "3 days" */
					__( '%1$s messages are waiting; the oldest has waited %2$s. Messages are retried by themselves; see the last error on Tools → SMTP log and check the server on Settings → SMTP.', 'native-smtp' ),
					number_format_i18n( $count ),
					$oldest > 0 ? human_time_diff( $oldest, time() ) : __( 'a moment', 'native-smtp' )
				)
			) . '</p>';
			return $r;
		}
		/* translators: %s: number of messages */
		$r['description'] = '<p>' . esc_html( sprintf( __( '%s messages are waiting for a retry.', 'native-smtp' ), number_format_i18n( $count ) ) ) . '</p>';
		return $r;
	}
}
