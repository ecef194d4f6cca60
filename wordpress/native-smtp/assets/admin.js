/* Settings → SMTP: choosing a provider preset fills the server fields at once. Without this script
 * the same preset is applied by the server when the form is saved (see Native_SMTP_Admin). */
( function () {
	'use strict';
	var presets = window.nativeSmtpPresets || {};
	var select = document.getElementById( 'native-smtp-preset' );
	if ( ! select ) {
		return;
	}
	var live = document.getElementById( 'native-smtp-preset-live' );
	var note = document.getElementById( 'native-smtp-preset-note' );
	var regionRows = document.querySelectorAll( '.native-smtp-region-row' );

	function regionSelect( key ) {
		return document.getElementById( 'native-smtp-preset-region-' + key );
	}

	function showRegions() {
		for ( var i = 0; i < regionRows.length; i++ ) {
			regionRows[ i ].hidden = regionRows[ i ].getAttribute( 'data-preset' ) !== select.value;
		}
	}

	function fill() {
		var p = presets[ select.value ];
		showRegions();
		if ( ! p ) {
			note.hidden = true;
			note.textContent = '';
			return;
		}
		var rs = regionSelect( select.value );
		var values = p.values[ rs ? rs.value : '' ] || p.values[ p.region ] || {};
		Object.keys( values ).forEach( function ( field ) {
			var el = document.getElementById( 'native-smtp-' + field );
			if ( el && ! el.disabled ) {
				el.value = String( values[ field ] );
				el.dispatchEvent( new Event( 'change', { bubbles: true } ) );
			}
		} );
		note.textContent = p.note;
		note.hidden = false;
		// The fields now hold the preset: the server takes them as they are posted.
		live.value = '1';
	}

	select.addEventListener( 'change', fill );
	for ( var i = 0; i < regionRows.length; i++ ) {
		var rs = regionRows[ i ].querySelector( 'select' );
		if ( rs ) {
			rs.addEventListener( 'change', fill );
		}
	}
	showRegions();
}() );
