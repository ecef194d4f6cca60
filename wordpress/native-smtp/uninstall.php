<?php
/**
 * Deleting the plugin from Plugins removes everything it stored: the settings (with the encrypted
 * password) and any pending test result. Constants in wp-config.php and php.ini are not touched.
 *
 * @package native-smtp
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

global $wpdb;

$native_smtp_delete = static function () use ( $wpdb ) {
	delete_option( 'native_smtp_settings' );
	// Test results are kept for a few minutes per user as transients: native_smtp_result_<user id>.
	$like = $wpdb->esc_like( '_transient_native_smtp_result_' ) . '%';
	$like_timeout = $wpdb->esc_like( '_transient_timeout_native_smtp_result_' ) . '%';
	$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s", $like, $like_timeout ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
	// "Deliver queued mail now" results (native_smtp_flush_<user id>) and the WP-Cron backstop.
	$like = $wpdb->esc_like( '_transient_native_smtp_flush_' ) . '%';
	$like_timeout = $wpdb->esc_like( '_transient_timeout_native_smtp_flush_' ) . '%';
	$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s", $like, $like_timeout ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
	wp_clear_scheduled_hook( 'native_smtp_spool_flush' );
};

if ( is_multisite() ) {
	delete_site_option( 'native_smtp_network' );
	foreach ( get_sites( array( 'fields' => 'ids', 'number' => 0 ) ) as $native_smtp_site ) {
		switch_to_blog( $native_smtp_site );
		$native_smtp_delete();
		restore_current_blog();
	}
} else {
	$native_smtp_delete();
}
