import CCurl

/// The scheme, host and port of an absolute http(s) URL: the boundary credentials must not cross.
struct URLOrigin: Equatable, Sendable {
    let scheme: String
    let host: String
    let port: Int

    /// Nil unless `url` is an absolute `http://` or `https://` URL.
    init?(_ url: String) {
        let parsed = CurlURL.parse(url) { handle -> URLOrigin? in
            guard let scheme = CurlURL.part(CURLUPART_SCHEME, of: handle)?.lowercased(),
                  scheme == "http" || scheme == "https",
                  let host = CurlURL.part(CURLUPART_HOST, of: handle)?.lowercased(),
                  let port = CurlURL.part(CURLUPART_PORT, of: handle, flags: UInt32(CURLU_DEFAULT_PORT)).flatMap({ Int($0) })
            else { return nil }
            return URLOrigin(scheme: scheme, host: host, port: port)
        }
        guard let parsed else { return nil }
        self = parsed
    }

    private init(scheme: String, host: String, port: Int) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }
}

/// libcurl's URL parser, so origins and redirect targets agree with where libcurl connects.
enum CurlURL {
    /// `reference` (a `Location` value, absolute or relative) resolved against `base`.
    static func resolve(_ reference: String, against base: String) -> String? {
        parse(base) { handle in
            guard curl_url_set(handle, CURLUPART_URL, reference, 0) == CURLUE_OK else { return nil }
            return part(CURLUPART_URL, of: handle)
        }
    }

    /// Runs `body` on a libcurl URL handle holding `url`; nil when `url` does not parse as absolute.
    static func parse<Result>(_ url: String, _ body: (OpaquePointer) -> Result?) -> Result? {
        guard let handle = curl_url() else { return nil }
        defer { curl_url_cleanup(handle) }
        guard curl_url_set(handle, CURLUPART_URL, url, 0) == CURLUE_OK else { return nil }
        return body(handle)
    }

    static func part(_ part: CURLUPart, of handle: OpaquePointer, flags: UInt32 = 0) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, part, &value, flags) == CURLUE_OK, let value else { return nil }
        defer { curl_free(value) }
        return String(cString: value)
    }
}
