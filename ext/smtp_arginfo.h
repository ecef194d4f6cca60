/* This is a generated file, edit the .stub.php file instead.
 * Stub hash: 4730b9eec3d885f722efee7e36ba575fa09ea228 */

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_smtp_last_error, 0, 0, IS_ARRAY, 1)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_smtp_test_send, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, to, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_smtp_check, 0, 0, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_smtp_stats, 0, 0, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

#define arginfo_smtp_oauth_status arginfo_smtp_stats

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_smtp_oauth_exchange, 0, 3, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, code, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, code_verifier, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, redirect_uri, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()


ZEND_FUNCTION(smtp_last_error);
ZEND_FUNCTION(smtp_test_send);
ZEND_FUNCTION(smtp_check);
ZEND_FUNCTION(smtp_stats);
ZEND_FUNCTION(smtp_oauth_status);
ZEND_FUNCTION(smtp_oauth_exchange);


static const zend_function_entry ext_functions[] = {
	ZEND_FE(smtp_last_error, arginfo_smtp_last_error)
	ZEND_FE(smtp_test_send, arginfo_smtp_test_send)
	ZEND_FE(smtp_check, arginfo_smtp_check)
	ZEND_FE(smtp_stats, arginfo_smtp_stats)
	ZEND_FE(smtp_oauth_status, arginfo_smtp_oauth_status)
	ZEND_FE(smtp_oauth_exchange, arginfo_smtp_oauth_exchange)
	ZEND_FE_END
};
