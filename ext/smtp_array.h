/* The core's smtp_result as the PHP result array (docs/api.md). */
#ifndef SMTP_ARRAY_H
#define SMTP_ARRAY_H

#include "php.h"
#include "core/result.h"

void smtp_result_to_array(const smtp_result *res, zval *out);

#endif
