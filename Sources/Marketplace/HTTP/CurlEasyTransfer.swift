import CCurl

/// One request hop as handed to libcurl: credentials already decided, redirects not followed.
struct CurlTransferRequest: Sendable {
    var url: String
    var method: HTTPMethod
    var headerLines: [String]
    var byteRange: ClosedRange<UInt64>?
    var maxBodyBytes: Int?
}

/// The per-handle options that come from `HTTPClient.Configuration`.
struct CurlTransferSettings: Sendable {
    var userAgent: String
    var connectTimeoutMilliseconds: Int
    var lowSpeedLimitBytesPerSecond: Int
    var lowSpeedTimeSeconds: Int
    /// `CURLOPT_CAINFO`; nil keeps libcurl's default bundle.
    var certificateAuthorities: String?
}

/// How one hop ended.
enum CurlTransferOutcome: Sendable {
    case completed(CurlTransferResponse)
    case failed(CurlTransferFailure)
    case cancelled
}

struct CurlTransferResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    var bodyWasTruncated: Bool
}

struct CurlTransferFailure: Sendable, Error {
    var code: CURLcode
    var reason: String
    /// The `Content-Length` the server announced, if it got that far.
    var announcedBodyBytes: UInt64?
    var receivedBodyBytes: UInt64
}

/// Owns one libcurl easy handle for one hop, with everything the handle points into:
/// the request header list, the error buffer and the callback context. All are freed in `deinit`.
///
/// Only the engine's transfer thread touches it.
final class CurlEasyTransfer {
    let handle: UnsafeMutableRawPointer
    private let sink: CurlResponseSink
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headerList: UnsafeMutablePointer<curl_slist>?

    /// Creates and configures the handle; throws when libcurl refuses an option.
    init(request: CurlTransferRequest, settings: CurlTransferSettings) throws(CurlTransferFailure) {
        guard let handle = curl_easy_init() else {
            throw CurlTransferFailure(code: CURLE_OUT_OF_MEMORY, reason: "curl_easy_init failed")
        }
        self.handle = handle
        sink = CurlResponseSink(maxBodyBytes: request.maxBodyBytes)
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(to: 0)
        for line in request.headerLines {
            headerList = curl_slist_append(headerList, line)
        }
        try configure(request: request, settings: settings)
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// The body bytes libcurl delivered so far, including any dropped past the body limit.
    var receivedBodyBytes: UInt64 {
        sink.receivedBodyBytes
    }

    /// Reads the result once libcurl reported the transfer done with `code`.
    func outcome(for code: CURLcode) -> CurlTransferOutcome {
        // Stopping at the body limit makes libcurl report a write error; for us that is success.
        guard code == CURLE_OK || (code == CURLE_WRITE_ERROR && sink.stoppedAtLimit) else {
            let announced = offsetInfo(CURLINFO_CONTENT_LENGTH_DOWNLOAD_T)
            return .failed(CurlTransferFailure(
                code: code,
                reason: failureReason(for: code),
                announcedBodyBytes: announced.flatMap { $0 >= 0 ? UInt64($0) : nil },
                receivedBodyBytes: sink.receivedBodyBytes
            ))
        }
        return .completed(CurlTransferResponse(
            status: longInfo(CURLINFO_RESPONSE_CODE),
            headers: sink.headers,
            body: sink.body,
            bodyWasTruncated: sink.stoppedAtLimit
        ))
    }

    private func configure(request: CurlTransferRequest, settings: CurlTransferSettings) throws(CurlTransferFailure) {
        let context = Unmanaged.passUnretained(sink).toOpaque()
        try set(CURLOPT_URL, string: request.url)
        try set(CURLOPT_PROTOCOLS_STR, string: "http,https")
        try set(CURLOPT_NOSIGNAL, long: 1)
        // Redirects are followed by HTTPClient, hop by hop, so credentials never cross origins.
        try set(CURLOPT_FOLLOWLOCATION, long: 0)
        try set(CURLOPT_SSL_VERIFYPEER, long: 1)
        try set(CURLOPT_SSL_VERIFYHOST, long: 2)
        if let bundle = settings.certificateAuthorities {
            try set(CURLOPT_CAINFO, string: bundle)
        }
        try set(CURLOPT_HTTP_VERSION, long: Int(CURL_HTTP_VERSION_2TLS))
        // Wait for a multiplexable HTTP/2 connection rather than opening a parallel one.
        try set(CURLOPT_PIPEWAIT, long: 1)
        try set(CURLOPT_USERAGENT, string: settings.userAgent)
        try set(CURLOPT_CONNECTTIMEOUT_MS, long: settings.connectTimeoutMilliseconds)
        try set(CURLOPT_LOW_SPEED_LIMIT, long: settings.lowSpeedLimitBytesPerSecond)
        try set(CURLOPT_LOW_SPEED_TIME, long: settings.lowSpeedTimeSeconds)
        if request.method == .head {
            try set(CURLOPT_NOBODY, long: 1)
        }
        if let byteRange = request.byteRange {
            try set(CURLOPT_RANGE, string: "\(byteRange.lowerBound)-\(byteRange.upperBound)")
        }
        try set(CURLOPT_HTTPHEADER, pointer: UnsafeMutableRawPointer(headerList))
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        try set(CURLOPT_WRITEFUNCTION, callback: curlWriteBody)
        try set(CURLOPT_WRITEDATA, pointer: context)
        try set(CURLOPT_HEADERFUNCTION, callback: curlWriteHeader)
        try set(CURLOPT_HEADERDATA, pointer: context)
    }

    private func set(_ option: CURLoption, long value: Int) throws(CurlTransferFailure) {
        try check(compat_curl_easy_setopt_long(handle, option, value), option)
    }

    private func set(_ option: CURLoption, string value: String) throws(CurlTransferFailure) {
        // libcurl copies string options, so the temporary C string may go away afterwards.
        try check(compat_curl_easy_setopt_string(handle, option, value), option)
    }

    private func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(CurlTransferFailure) {
        try check(compat_curl_easy_setopt_pointer(handle, option, value), option)
    }

    private func set(_ option: CURLoption, callback: compat_curl_data_callback) throws(CurlTransferFailure) {
        try check(compat_curl_easy_setopt_data_callback(handle, option, callback), option)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(CurlTransferFailure) {
        guard code == CURLE_OK else {
            throw CurlTransferFailure(
                code: code,
                reason: "libcurl refused option \(option.rawValue): \(String(cString: curl_easy_strerror(code)))"
            )
        }
    }

    private func failureReason(for code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }

    private func longInfo(_ info: CURLINFO) -> Int {
        var value = 0
        _ = compat_curl_easy_getinfo_long(handle, info, &value)
        return value
    }

    private func offsetInfo(_ info: CURLINFO) -> Int64? {
        var value: curl_off_t = -1
        guard compat_curl_easy_getinfo_off_t(handle, info, &value) == CURLE_OK else { return nil }
        return Int64(value)
    }
}

extension CurlTransferFailure {
    init(code: CURLcode, reason: String) {
        self.init(code: code, reason: reason, announcedBodyBytes: nil, receivedBodyBytes: 0)
    }
}

/// Collects what libcurl's callbacks deliver for one transfer.
final class CurlResponseSink {
    private(set) var headers = HTTPHeaders()
    private(set) var body: [UInt8] = []
    private(set) var receivedBodyBytes: UInt64 = 0
    /// True once the transfer was stopped because the body reached its limit.
    private(set) var stoppedAtLimit = false
    /// The caller's limit for a 2xx body.
    private let maxSuccessBodyBytes: Int?
    /// The limit for the answer being received: it depends on its status.
    private var maxBodyBytes: Int?

    /// Redirect and error bodies are only quoted or ignored; a longer one is cut here,
    /// so no answer but a wanted one can make the client download gigabytes.
    static let maxOtherBodyBytes = 64 * 1024

    init(maxBodyBytes: Int?) {
        maxSuccessBodyBytes = maxBodyBytes
        self.maxBodyBytes = maxBodyBytes
    }

    /// Keeps `chunk` up to the body limit. Returns how many bytes were taken: fewer than
    /// `chunk.count` tells libcurl to stop the transfer.
    func appendBody(_ chunk: UnsafeRawBufferPointer) -> Int {
        receivedBodyBytes += UInt64(chunk.count)
        guard let maxBodyBytes else {
            body.append(contentsOf: chunk)
            return chunk.count
        }
        // body never grows past maxBodyBytes, so the room left is never negative.
        let taken = min(chunk.count, maxBodyBytes - body.count)
        body.append(contentsOf: chunk.prefix(taken))
        stoppedAtLimit = taken < chunk.count
        return taken
    }

    /// Takes one raw header line. A status line starts a new header block
    /// (after an interim 1xx answer), so only the final answer's headers remain.
    func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headers = HTTPHeaders()
            // "HTTP/1.1 206 Partial Content" or "HTTP/2 206"
            let status = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            let isSuccess = status.map { (200..<300).contains($0) } ?? false
            maxBodyBytes = isSuccess ? maxSuccessBodyBytes : Self.maxOtherBodyBytes
        } else if let colon = line.firstIndex(of: ":") {
            headers.add(
                name: line[..<colon].trimmingHTTPWhitespace(),
                value: line[line.index(after: colon)...].trimmingHTTPWhitespace()
            )
        }
    }
}

// libcurl calls these on the engine's thread with the sink as context. For both callbacks
// libcurl documents that size * count is the length of the buffer it passes, so it cannot overflow.

private let curlWriteBody: compat_curl_data_callback = { data, size, count, context in
    let sink = Unmanaged<CurlResponseSink>.fromOpaque(context!).takeUnretainedValue()
    return sink.appendBody(UnsafeRawBufferPointer(start: data, count: size * count))
}

private let curlWriteHeader: compat_curl_data_callback = { data, size, count, context in
    let sink = Unmanaged<CurlResponseSink>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    sink.appendHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}
