<?php
/**
 * Provider presets: what a provider's submission server is (host, port, encryption and, where it
 * matters, the authentication method and user name), with a short note of what to enter as the
 * password. Picking one on the settings page fills those fields: live with JavaScript, or when the
 * form is saved without it. Nothing here talks to a provider; the values are applied like any
 * other saved setting.
 *
 * Sources (checked 2026-12): Google's Gmail and Workspace SMTP relay help, Microsoft's "SMTP AUTH
 * client submission" page, the Amazon SES developer guide ("Connecting to an Amazon SES SMTP
 * endpoint"), Twilio SendGrid's "Integrating with the SMTP API", Mailgun's SMTP help (US and EU
 * regions), Postmark's "SMTP details" support article, Brevo's "SMTP relay integration" and Zoho
 * Mail's SMTP configuration pages. docs/wordpress.md lists them.
 *
 * @package native-smtp
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Native_SMTP_Presets {

	/** Amazon SES regions with an SMTP endpoint (email-smtp.<region>.amazonaws.com). */
	private static function ses_regions(): array {
		$ids = array(
			'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1',
			'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1',
			'il-central-1', 'me-south-1', 'me-central-1', 'af-south-1',
			'ap-south-1', 'ap-south-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
			'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-5',
			'us-gov-west-1', 'us-gov-east-1',
		);
		return array_combine( $ids, $ids );
	}

	/**
	 * Every preset: key => array( label, host (may hold {region}), port, encryption, auth,
	 * username (null: leave the field alone), regions (region => label, empty: none), region
	 * (the default), note ).
	 */
	public static function all(): array {
		$base    = array(
			'port'       => 587,
			'encryption' => 'tls',
			'auth'       => 'auto',
			'username'   => null,
			'regions'    => array(),
			'region'     => '',
		);
		$presets = array(
			'gmail'     => array(
				'label'      => __( 'Gmail', 'native-smtp' ),
				'host'       => 'smtp.gmail.com',
				'note'       => __( 'Username: your Gmail address. Password: an app password (Google Account → Security → 2-Step Verification → App passwords), not your Google password — or connect with Google (OAuth) below.', 'native-smtp' ),
			),
			'workspace' => array(
				'label'      => __( 'Google Workspace (SMTP relay)', 'native-smtp' ),
				'host'       => 'smtp-relay.gmail.com',
				'note'       => __( 'An administrator turns on the SMTP relay service (Admin console → Apps → Google Workspace → Gmail → Routing) and allows this server’s IP address or requires SMTP authentication; then a user’s address and app password. A single mailbox can use the Gmail preset instead.', 'native-smtp' ),
			),
			'microsoft' => array(
				'label'      => __( 'Microsoft 365 / Outlook', 'native-smtp' ),
				'host'       => 'smtp.office365.com',
				'note'       => __( 'SMTP AUTH must be enabled for the mailbox. Microsoft turns basic authentication (a password) off for SMTP: connect with Microsoft (OAuth) below. The From address must be the mailbox or one it may send as.', 'native-smtp' ),
			),
			'ses'       => array(
				'label'      => __( 'Amazon SES', 'native-smtp' ),
				'host'       => 'email-smtp.{region}.amazonaws.com',
				'regions'    => self::ses_regions(),
				'region'     => 'us-east-1',
				'note'       => __( 'Use SES SMTP credentials (SES console → SMTP settings → Create SMTP credentials), not your IAM access keys; they belong to one region. The From address must be a verified identity.', 'native-smtp' ),
			),
			'sendgrid'  => array(
				'label'      => __( 'SendGrid', 'native-smtp' ),
				'host'       => 'smtp.sendgrid.net',
				'username'   => 'apikey',
				'note'       => __( 'Username: the word apikey. Password: an API key with the Mail Send permission.', 'native-smtp' ),
			),
			'mailgun'   => array(
				'label'      => __( 'Mailgun', 'native-smtp' ),
				'host'       => '{region}',
				'regions'    => array(
					'smtp.mailgun.org'    => __( 'US', 'native-smtp' ),
					'smtp.eu.mailgun.org' => __( 'EU', 'native-smtp' ),
				),
				'region'     => 'smtp.mailgun.org',
				'note'       => __( 'Use the SMTP credentials of your sending domain (Sending → Domain settings → SMTP credentials), in the region the domain was created in.', 'native-smtp' ),
			),
			'postmark'  => array(
				'label'      => __( 'Postmark', 'native-smtp' ),
				'host'       => 'smtp.postmarkapp.com',
				'note'       => __( 'Username and password: both the Server API Token (Server → API Tokens). The From address must be a confirmed sender signature or domain.', 'native-smtp' ),
			),
			'brevo'     => array(
				'label'      => __( 'Brevo (Sendinblue)', 'native-smtp' ),
				'host'       => 'smtp-relay.brevo.com',
				'note'       => __( 'Username: the SMTP login shown under SMTP & API → SMTP. Password: an SMTP key, not an API key and not your Brevo password.', 'native-smtp' ),
			),
			'zoho'      => array(
				'label'      => __( 'Zoho Mail', 'native-smtp' ),
				'host'       => '{region}',
				'port'       => 465,
				'encryption' => 'ssl',
				'regions'    => array(
					'smtp.zoho.com'       => __( 'United States, personal (smtp.zoho.com)', 'native-smtp' ),
					'smtppro.zoho.com'    => __( 'United States, organisation (smtppro.zoho.com)', 'native-smtp' ),
					'smtp.zoho.eu'        => __( 'Europe, personal (smtp.zoho.eu)', 'native-smtp' ),
					'smtppro.zoho.eu'     => __( 'Europe, organisation (smtppro.zoho.eu)', 'native-smtp' ),
					'smtp.zoho.in'        => __( 'India, personal (smtp.zoho.in)', 'native-smtp' ),
					'smtppro.zoho.in'     => __( 'India, organisation (smtppro.zoho.in)', 'native-smtp' ),
					'smtp.zoho.com.au'    => __( 'Australia, personal (smtp.zoho.com.au)', 'native-smtp' ),
					'smtppro.zoho.com.au' => __( 'Australia, organisation (smtppro.zoho.com.au)', 'native-smtp' ),
					'smtp.zoho.jp'        => __( 'Japan, personal (smtp.zoho.jp)', 'native-smtp' ),
					'smtppro.zoho.jp'     => __( 'Japan, organisation (smtppro.zoho.jp)', 'native-smtp' ),
				),
				'region'     => 'smtp.zoho.com',
				'note'       => __( 'Pick the data centre your account is in (the domain of your Zoho Mail address bar); organisation accounts (your own domain) use smtppro. With two-factor authentication, use an application-specific password.', 'native-smtp' ),
			),
			'local'     => array(
				'label'      => __( 'Local mail server (this machine)', 'native-smtp' ),
				'host'       => 'localhost',
				'port'       => 25,
				'encryption' => 'none',
				'auth'       => 'none',
				'username'   => '',
				'note'       => __( 'A mail server on this machine (Postfix, Exim, OpenSMTPD) that relays for local clients: no encryption and no login over the loopback interface.', 'native-smtp' ),
			),
		);
		foreach ( $presets as $key => $p ) {
			$presets[ $key ] = array_merge( $base, $p );
		}
		return $presets;
	}

	public static function get( string $key ): ?array {
		$all = self::all();
		return $all[ $key ] ?? null;
	}

	/** The region a preset uses for $asked: $asked when the preset knows it, else its default. */
	public static function region( array $preset, string $asked ): string {
		return isset( $preset['regions'][ $asked ] ) ? $asked : $preset['region'];
	}

	/**
	 * The settings a preset sets: host, port, encryption, auth and (when the preset fixes it)
	 * username. $region is one of the preset's regions.
	 */
	public static function values( array $preset, string $region ): array {
		$out = array(
			'host'       => str_replace( '{region}', self::region( $preset, $region ), $preset['host'] ),
			'port'       => (int) $preset['port'],
			'encryption' => $preset['encryption'],
			'auth'       => $preset['auth'],
		);
		if ( null !== $preset['username'] ) {
			$out['username'] = $preset['username'];
		}
		return $out;
	}

	/** What the page's script needs (every preset, its regions and the values they give). */
	public static function for_script(): array {
		$out = array();
		foreach ( self::all() as $key => $p ) {
			$regions = array();
			foreach ( array_keys( $p['regions'] ? $p['regions'] : array( '' => '' ) ) as $r ) {
				$regions[ (string) $r ] = self::values( $p, (string) $r );
			}
			$out[ $key ] = array(
				'note'    => $p['note'],
				'region'  => $p['region'],
				'values'  => $regions,
			);
		}
		return $out;
	}
}
