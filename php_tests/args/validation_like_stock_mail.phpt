--TEST--
mail() through the extension validates its arguments exactly like PHP's own mail() (exceptions and warnings)
--EXTENSIONS--
smtp
--INI--
smtp.host=127.0.0.1:1
smtp.timeout=2
--FILE--
<?php
$cases = [
    ['a@example.org', 'b', 'c', "X-A: a\0b"],
    ["a@example.org\0", 'b', 'c'],
    ['a@example.org', "b\0", 'c'],
    ['a@example.org', 'b', "c\0"],
    ['a@example.org', 'b', 'c', ['To' => 'x@example.org']],
    ['a@example.org', 'b', 'c', ['Subject' => 'x']],
    ['a@example.org', 'b', 'c', ['X y' => '1']],
    ['a@example.org', 'b', 'c', ['X-A' => "a\rb"]],
    ['a@example.org', 'b', 'c', [0 => 'X-A: 1']],
    ['a@example.org', 'b', 'c', ['X-A' => 1]],
    ['a@example.org', 'b', 'c', "\r\nX-A: y"],
    ['a@example.org', 'b', 'c', "X-A: y\n\nX-B: w"],
    ['a@example.org', 'b', 'c', "X-A: y\r\n\r\nX-B: w"],
    ['a@example.org', 'b', 'c', '', "-f bad\0"],
];
foreach ($cases as $i => $args) {
    try {
        $r = mail(...$args);
        echo "$i: ", var_export($r, true), "\n";
    } catch (Throwable $e) {
        echo "$i: ", get_class($e), ": ", $e->getMessage(), "\n";
    }
}
?>
--EXPECTF--
0: ValueError: mail(): Argument #4 ($additional_headers) must not contain any null bytes
1: ValueError: mail(): Argument #1 ($to) must not contain any null bytes
2: ValueError: mail(): Argument #2 ($subject) must not contain any null bytes
3: ValueError: mail(): Argument #3 ($message) must not contain any null bytes
4: ValueError: The additional headers cannot contain the "To" header
5: ValueError: The additional headers cannot contain the "Subject" header
6: ValueError: Header name "X y" contains invalid characters
7: ValueError: Header "X-A" contains CR character that is not allowed in the header
8: TypeError: Header name cannot be numeric, 0 given
9: TypeError: Header "X-A" must be of type array|string, int given

Warning: mail(): Multiple or malformed newlines found in additional_header in %s on line %d
10: false

Warning: mail(): Multiple or malformed newlines found in additional_header in %s on line %d
11: false

Warning: mail(): Multiple or malformed newlines found in additional_header in %s on line %d
12: false
13: ValueError: mail(): Argument #5 ($additional_params) must not contain any null bytes
