<?php
/**
 * Plugin Name:       Native SMTP
 * Description:       Settings → SMTP for the smtp PHP extension: every wp_mail() and mail() is sent over authenticated, encrypted SMTP by the extension, configured and tested from this page.
 * Version:           0.1.0
 * Requires at least: 6.0
 * Requires PHP:      8.0
 * License:           BSD-2-Clause
 * License URI:       https://opensource.org/licenses/BSD-2-Clause
 * Text Domain:       native-smtp
 * Domain Path:       /languages
 *
 * A thin client: the SMTP work is done by the extension (ext/ in this repository). This plugin only
 * stores the settings, applies them with ini_set() early in every request and shows what the
 * extension reports.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'NATIVE_SMTP_PLUGIN_VERSION', '0.1.0' );
define( 'NATIVE_SMTP_PLUGIN_FILE', __FILE__ );
define( 'NATIVE_SMTP_PLUGIN_DIR', __DIR__ );

require_once __DIR__ . '/includes/class-native-smtp-crypto.php';
require_once __DIR__ . '/includes/class-native-smtp-config.php';
require_once __DIR__ . '/includes/class-native-smtp-presets.php';
require_once __DIR__ . '/includes/class-native-smtp-oauth.php';
require_once __DIR__ . '/includes/class-native-smtp-runtime.php';
require_once __DIR__ . '/includes/class-native-smtp-health.php';
require_once __DIR__ . '/includes/class-native-smtp-queue.php';

// Settings are applied as early as WordPress allows: before any other plugin's plugins_loaded code
// can send mail. The From filters follow WP Mail SMTP's rules (see class-native-smtp-runtime.php).
add_action( 'plugins_loaded', array( 'Native_SMTP_Runtime', 'apply' ), -1000 );
add_filter( 'wp_mail_from', array( 'Native_SMTP_Runtime', 'filter_from' ), 1000 );
add_filter( 'wp_mail_from_name', array( 'Native_SMTP_Runtime', 'filter_from_name' ), 1000 );

add_action( 'init', 'native_smtp_load_textdomain' );
function native_smtp_load_textdomain() {
	load_plugin_textdomain( 'native-smtp', false, dirname( plugin_basename( __FILE__ ) ) . '/languages' );
}

add_filter( 'site_status_tests', array( 'Native_SMTP_Health', 'register' ) );
// The spool's queue box, Tools → SMTP log and the WP-Cron backstop.
Native_SMTP_Queue::init();

if ( is_admin() ) {
	require_once __DIR__ . '/includes/class-native-smtp-admin.php';
	Native_SMTP_Admin::init();
}

register_deactivation_hook( __FILE__, array( 'Native_SMTP_Queue', 'unschedule' ) );
register_activation_hook( __FILE__, 'native_smtp_activate' );
function native_smtp_activate() {
	// The option exists from the start, so saving the form is an update (sanitised once) rather than an add.
	add_option( Native_SMTP_Config::OPTION, Native_SMTP_Config::defaults(), '', true );
}
