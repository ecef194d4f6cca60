<?php

/** @generate-class-entries */

/**
 * The result array of the last mail() in this request that failed or was refused for some
 * recipients, or null when there was none.
 */
function smtp_last_error(): ?array {}
