#ifndef COMPAT_CCURL_SHIM_H
#define COMPAT_CCURL_SHIM_H

#include <curl/curl.h>

/*
 * Swift cannot call C variadic functions, so every variadic libcurl entry
 * point the package uses gets one typed wrapper per argument kind.
 */

/* The signature shared by CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION. */
typedef size_t (*compat_curl_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode compat_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode compat_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode compat_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode compat_curl_easy_setopt_data_callback(CURL *handle, CURLoption option, compat_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode compat_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode compat_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
