<?php
/**
 * The spool (smtp.spool_dir) and the submission log (smtp.log), as the extension reports them:
 * the queue box on Settings → SMTP with "Deliver queued mail now", Tools → SMTP log, a Site Health
 * test of the queue and a WP-Cron backstop. Every number comes from smtp_spool_status() and
 * smtp_spool_flush(); the plugin keeps no queue of its own.
 *
 * @package native-smtp
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Native_SMTP_Queue {

	const LOG_SLUG       = 'native-smtp-log';
	const CRON_HOOK      = 'native_smtp_spool_flush';
	const CRON_LIMIT     = 100;       // entries per WP-Cron run: the cron request stays short
	const LOG_TAIL_BYTES = 262144;    // the log page reads at most the last 256 KiB of the file
	const LOG_MAX_LINES  = 500;
	const WARN_COUNT     = 50;        // Site Health: more entries than this is a growing queue
	const WARN_AGE       = DAY_IN_SECONDS;

	/** Hooks for every request (cron) and the admin screens; its Site Health test is in class-native-smtp-health.php. */
	public static function init(): void {
		add_action( self::CRON_HOOK, array( __CLASS__, 'cron_flush' ) );
		add_action( 'init', array( __CLASS__, 'schedule' ) );
		if ( is_admin() ) {
			add_action( 'admin_menu', array( __CLASS__, 'menu' ) );
			add_action( 'admin_post_native_smtp_flush', array( __CLASS__, 'handle_flush' ) );
		}
	}

	/** The spool functions exist (an extension built with the spool). */
	public static function available(): bool {
		return function_exists( 'smtp_spool_status' ) && function_exists( 'smtp_spool_flush' );
	}

	/** smtp_spool_status(), or null when there is no spool (no functions, or smtp.spool_dir empty). */
	public static function status(): ?array {
		if ( ! self::available() || '' === (string) ini_get( 'smtp.spool_dir' ) ) {
			return null;
		}
		$s = (array) smtp_spool_status();
		return empty( $s['enabled'] ) ? null : $s;
	}

	/* ------------------------------------------------------------------ WP-Cron backstop */

	public static function schedule(): void {
		if ( self::available() && ! wp_next_scheduled( self::CRON_HOOK ) ) {
			wp_schedule_event( time() + 300, 'hourly', self::CRON_HOOK );
		}
	}

	/** The queue drains by itself at the end of requests; this catches a site that has few of them. */
	public static function cron_flush(): void {
		if ( null !== self::status() ) {
			smtp_spool_flush( self::CRON_LIMIT, false );
		}
	}

	public static function unschedule(): void {
		wp_clear_scheduled_hook( self::CRON_HOOK );
	}

	/* ------------------------------------------------------------------ queue box */

	private static function result_key(): string {
		return 'native_smtp_flush_' . get_current_user_id();
	}

	public static function num( array $a, string $k ): int {
		return isset( $a[ $k ] ) && is_numeric( $a[ $k ] ) ? max( 0, (int) $a[ $k ] ) : 0;
	}

	private static function when( $t ): string {
		if ( ! is_numeric( $t ) || (int) $t <= 0 ) {
			return __( 'none', 'native-smtp' );
		}
		$t    = (int) $t;
		$diff = human_time_diff( $t, time() );
		/* translators: 1: date and time, 2: "3 hours" */
		return sprintf( $t <= time() ? __( '%1$s (%2$s ago)', 'native-smtp' ) : __( '%1$s (in %2$s)', 'native-smtp' ), wp_date( 'Y-m-d H:i:s', $t ), $diff );
	}

	public static function render_box(): void {
		echo '<div class="native-smtp-status card" id="native-smtp-queue"><h2>' . esc_html__( 'Queue', 'native-smtp' ) . '</h2>';
		if ( ! self::available() ) {
			echo '<p id="native-smtp-queue-off">' . esc_html(
				Native_SMTP_Runtime::extension_loaded()
					? __( 'This smtp extension has no spool (smtp_spool_status() is missing): a message that meets a temporary failure is not queued. Update the extension to queue and retry such mail.', 'native-smtp' )
					: __( 'The smtp extension is not loaded, so there is no queue (smtp_spool_status() is missing).', 'native-smtp' )
			) . '</p></div>';
			return;
		}
		$s = self::status();
		if ( null === $s ) {
			echo '<p id="native-smtp-queue-off">' . esc_html__( 'The spool is off (smtp.spool_dir is empty in php.ini): a message that meets a temporary failure is not queued, wp_mail() reports the failure at once. Set smtp.spool_dir to a directory the web server may write to, to queue and retry such mail.', 'native-smtp' ) . '</p></div>';
			return;
		}
		self::render_flush_result();
		$count = self::num( $s, 'count' );
		echo '<table class="native-smtp-kv"><tr><th>' . esc_html__( 'Messages waiting', 'native-smtp' ) . '</th><td id="native-smtp-queue-count" data-count="' . esc_attr( (string) $count ) . '">' . esc_html( number_format_i18n( $count ) ) . '</td></tr>';
		echo '<tr><th>' . esc_html__( 'Oldest', 'native-smtp' ) . '</th><td id="native-smtp-queue-oldest">' . esc_html( self::when( $s['oldest'] ?? null ) ) . '</td></tr>';
		echo '<tr><th>' . esc_html__( 'Size', 'native-smtp' ) . '</th><td id="native-smtp-queue-bytes">' . esc_html( size_format( self::num( $s, 'bytes' ) ) ?: '0 B' ) . '</td></tr>';
		echo '<tr><th>' . esc_html__( 'Next attempt', 'native-smtp' ) . '</th><td id="native-smtp-queue-next">' . esc_html( self::when( $s['next_attempt'] ?? null ) ) . '</td></tr>';
		if ( self::num( $s, 'claimed' ) > 0 || self::num( $s, 'corrupt' ) > 0 ) {
			/* translators: 1: entries being delivered now, 2: damaged entries */
			echo '<tr><th>' . esc_html__( 'Being delivered / damaged', 'native-smtp' ) . '</th><td id="native-smtp-queue-other">' . esc_html( sprintf( __( '%1$s / %2$s', 'native-smtp' ), number_format_i18n( self::num( $s, 'claimed' ) ), number_format_i18n( self::num( $s, 'corrupt' ) ) ) ) . '</td></tr>';
		}
		echo '</table>';
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
		wp_nonce_field( 'native_smtp_flush' );
		echo '<input type="hidden" name="action" value="native_smtp_flush" />';
		submit_button( __( 'Deliver queued mail now', 'native-smtp' ), 'secondary', 'native-smtp-flush', false, $count > 0 ? array() : array( 'disabled' => 'disabled' ) );
		echo '</form>';
		echo '<p class="description">' . esc_html__( 'Messages that met a temporary failure wait here and are retried by themselves at the end of later requests. The button tries them all now, ignoring the wait between attempts.', 'native-smtp' ) . '</p>';
		echo '</div>';
	}

	public static function handle_flush(): void {
		if ( ! current_user_can( Native_SMTP_Admin::CAPABILITY ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the SMTP settings.', 'native-smtp' ), esc_html__( 'Forbidden', 'native-smtp' ), array( 'response' => 403 ) );
		}
		check_admin_referer( 'native_smtp_flush' );
		$r = null === self::status() ? array( 'error' => __( 'There is no spool to deliver from.', 'native-smtp' ) ) : (array) smtp_spool_flush( 0, true );
		set_transient( self::result_key(), $r, 10 * MINUTE_IN_SECONDS );
		wp_safe_redirect( Native_SMTP_Admin::page_url( array( 'native-smtp-flushed' => 1 ) ) );
		exit;
	}

	private static function render_flush_result(): void {
		if ( empty( $_GET['native-smtp-flushed'] ) ) { // phpcs:ignore WordPress.Security.NonceVerification -- display only.
			return;
		}
		$r = get_transient( self::result_key() );
		if ( ! is_array( $r ) ) {
			return;
		}
		delete_transient( self::result_key() );
		if ( isset( $r['error'] ) ) {
			echo '<div class="notice notice-error inline" id="native-smtp-flush-result"><p>' . esc_html( (string) $r['error'] ) . '</p></div>';
			return;
		}
		$bad  = self::num( $r, 'failed' ) + self::num( $r, 'expired' ) + self::num( $r, 'corrupt' );
		$line = sprintf(
			/* translators: 1–5: numbers of messages */
			__( 'Delivered %1$s, failed %2$s, deferred %3$s, expired %4$s; %5$s still waiting.', 'native-smtp' ),
			number_format_i18n( self::num( $r, 'delivered' ) ),
			number_format_i18n( self::num( $r, 'failed' ) ),
			number_format_i18n( self::num( $r, 'deferred' ) ),
			number_format_i18n( self::num( $r, 'expired' ) ),
			number_format_i18n( self::num( $r, 'remaining' ) )
		);
		echo '<div class="notice ' . ( $bad > 0 || self::num( $r, 'deferred' ) > 0 ? 'notice-warning' : 'notice-success' ) . ' inline" id="native-smtp-flush-result"';
		foreach ( array( 'delivered', 'failed', 'deferred', 'expired', 'remaining' ) as $k ) {
			echo ' data-' . esc_attr( $k ) . '="' . esc_attr( (string) self::num( $r, $k ) ) . '"';
		}
		echo '><p>' . esc_html( $line ) . '</p></div>';
	}

	/* ------------------------------------------------------------------ Tools → SMTP log */

	public static function menu(): void {
		add_management_page( __( 'SMTP log', 'native-smtp' ), __( 'SMTP log', 'native-smtp' ), Native_SMTP_Admin::CAPABILITY, self::LOG_SLUG, array( __CLASS__, 'render_log' ) );
	}

	/** The last complete lines of FILE, newest first, reading at most LOG_TAIL_BYTES. */
	private static function tail( string $file ): array {
		$fh = @fopen( $file, 'rb' ); // phpcs:ignore WordPress.PHP.NoSilencedErrors -- the page says why.
		if ( ! $fh ) {
			return array();
		}
		$size = (int) ( fstat( $fh )['size'] ?? 0 );
		$from = max( 0, $size - self::LOG_TAIL_BYTES );
		fseek( $fh, $from );
		$data = (string) stream_get_contents( $fh, self::LOG_TAIL_BYTES );
		fclose( $fh );
		$lines = explode( "\n", $data );
		if ( $from > 0 ) {
			array_shift( $lines ); // cut in the middle
		}
		$lines = array_values( array_filter( $lines, 'strlen' ) );
		return array_slice( array_reverse( $lines ), 0, self::LOG_MAX_LINES );
	}

	public static function render_log(): void {
		if ( ! current_user_can( Native_SMTP_Admin::CAPABILITY ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the SMTP settings.', 'native-smtp' ), '', array( 'response' => 403 ) );
		}
		$failed = ! empty( $_GET['failed'] ); // phpcs:ignore WordPress.Security.NonceVerification -- a view filter.
		$base   = admin_url( 'tools.php?page=' . self::LOG_SLUG );
		echo '<div class="wrap native-smtp"><h1>' . esc_html__( 'SMTP log', 'native-smtp' ) . '</h1>';
		$file = Native_SMTP_Runtime::extension_loaded() ? (string) ini_get( 'smtp.log' ) : '';
		if ( '' === $file ) {
			echo '<p id="native-smtp-log-off">' . esc_html__( 'The submission log is off: smtp.log is not set in php.ini. Set it to a file path (one JSON line per attempt) to see the attempts here.', 'native-smtp' ) . '</p></div>';
			return;
		}
		if ( 'syslog' === $file ) {
			echo '<p id="native-smtp-log-off">' . esc_html__( 'The submission log goes to syslog (smtp.log = syslog, facility mail): read it there, for example with journalctl -t php or in /var/log/mail.log.', 'native-smtp' ) . '</p></div>';
			return;
		}
		/* translators: 1: file path, 2: size such as "256 KB" */
		echo '<p>' . esc_html( sprintf( __( 'The latest lines of %1$s, newest first (at most the last %2$s of the file).', 'native-smtp' ), $file, size_format( self::LOG_TAIL_BYTES ) ) ) . '</p>';
		echo '<p class="subsubsub"><a id="native-smtp-log-all" href="' . esc_url( $base ) . '"' . ( $failed ? '' : ' class="current"' ) . '>' . esc_html__( 'All', 'native-smtp' ) . '</a> | ';
		echo '<a id="native-smtp-log-failed" href="' . esc_url( add_query_arg( 'failed', 1, $base ) ) . '"' . ( $failed ? ' class="current"' : '' ) . '>' . esc_html__( 'Failed only', 'native-smtp' ) . '</a></p>';
		if ( ! is_readable( $file ) ) {
			echo '<p id="native-smtp-log-missing" style="clear:both">' . esc_html__( 'The file does not exist yet or cannot be read by the web server (it is created, mode 0600, with the first attempt).', 'native-smtp' ) . '</p></div>';
			return;
		}
		$cols = array(
			'time'       => __( 'Time', 'native-smtp' ),
			'result'     => __( 'Result', 'native-smtp' ),
			'host'       => __( 'Server', 'native-smtp' ),
			'from'       => __( 'From', 'native-smtp' ),
			'rcpts'      => __( 'Recipients', 'native-smtp' ),
			'stage'      => __( 'Stage', 'native-smtp' ),
			'code'       => __( 'Code', 'native-smtp' ),
			'error'      => __( 'Error', 'native-smtp' ),
			'attempt'    => __( 'Attempt', 'native-smtp' ),
			'source'     => __( 'Sent by', 'native-smtp' ),
			'message_id' => __( 'Message-ID', 'native-smtp' ),
		);
		$sources = array(
			'mail'  => __( 'mail()', 'native-smtp' ),
			'spool' => __( 'the queue', 'native-smtp' ),
			'test'  => __( 'a test send', 'native-smtp' ),
		);
		echo '<table class="widefat striped" id="native-smtp-log" style="clear:both"><thead><tr>';
		foreach ( $cols as $label ) {
			echo '<th>' . esc_html( $label ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		$shown = 0;
		foreach ( self::tail( $file ) as $line ) {
			$j = json_decode( $line, true );
			if ( ! is_array( $j ) ) {
				continue;
			}
			$result = isset( $j['result'] ) && is_scalar( $j['result'] ) ? (string) $j['result'] : '';
			if ( $failed && 'failed' !== $result ) {
				continue;
			}
			$source = isset( $j['source'] ) && is_scalar( $j['source'] ) ? (string) $j['source'] : '';
			echo '<tr data-result="' . esc_attr( $result ) . '" data-source="' . esc_attr( $source ) . '">';
			foreach ( array_keys( $cols ) as $k ) {
				$v = $j[ $k ] ?? '';
				$v = is_scalar( $v ) ? (string) $v : '';
				if ( 'host' === $k && '' !== $v && isset( $j['port'] ) && is_scalar( $j['port'] ) ) {
					$v .= ':' . $j['port'];
				}
				if ( 'source' === $k ) {
					$v = $sources[ $v ] ?? $v;
				}
				if ( 'error' === $k && '' === $v && isset( $j['reply'] ) && is_scalar( $j['reply'] ) ) {
					$v = (string) $j['reply'];
				}
				echo '<td>' . esc_html( $v ) . '</td>';
			}
			echo '</tr>';
			++$shown;
		}
		if ( 0 === $shown ) {
			echo '<tr id="native-smtp-log-empty"><td colspan="' . count( $cols ) . '">' . esc_html( $failed ? __( 'No failed attempts in these lines.', 'native-smtp' ) : __( 'No lines yet.', 'native-smtp' ) ) . '</td></tr>';
		}
		echo '</tbody></table></div>';
	}
}
