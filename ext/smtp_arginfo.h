/* This is a generated file, edit the .stub.php file instead.
 * Stub hash: d421cb48bde9af6f22ba90cfe5291a3ea476f07a */

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_smtp_last_error, 0, 0, IS_ARRAY, 1)
ZEND_END_ARG_INFO()


ZEND_FUNCTION(smtp_last_error);


static const zend_function_entry ext_functions[] = {
	ZEND_FE(smtp_last_error, arginfo_smtp_last_error)
	ZEND_FE_END
};
