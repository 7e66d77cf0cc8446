/*
 * json-out.h: writing JSON strings. Output only, so a few lines here rather
 * than a JSON library for every program that prints --json.
 */
#ifndef DISKLESS_JSON_OUT_H
#define DISKLESS_JSON_OUT_H

#include <stdio.h>

/* Writes s as a quoted JSON string: escapes quotes, backslashes and control
 * characters, keeps valid UTF-8, and writes U+FFFD for invalid bytes (file
 * names are bytes, JSON is UTF-8). NULL is written as null. */
void json_string(FILE *out, const char *s);

#endif
