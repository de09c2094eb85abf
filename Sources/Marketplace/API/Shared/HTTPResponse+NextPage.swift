extension HTTPResponse {
    /// The next page's absolute URL from the `Link: <…>; rel="next"` header, or nil on the last page.
    ///
    /// A relative link is resolved against this response's URL. A link leaving `origin` (or not parsing)
    /// throws, since following it would send the token elsewhere.
    func nextPageURL(stayingOn origin: String) throws(MarketplaceAPIError) -> String? {
        guard let link = headers.values(for: "Link").lazy.compactMap(Self.nextLink).first else { return nil }
        guard let absolute = CurlURL.resolve(link, against: url),
              let linkOrigin = URLOrigin(absolute), linkOrigin == URLOrigin(origin)
        else { throw .foreignNextPageLink(url: url, link: link) }
        return absolute
    }

    /// The target of the `rel="next"` entry of one `Link` header value
    /// (`<https://…?cursor=x>; rel="next", <…>; rel="prev"`).
    static func nextLink(in headerValue: String) -> String? {
        var rest = Substring(headerValue)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let target = rest[rest.index(after: open)..<close]
            let parametersEnd = rest[close...].firstIndex(of: "<") ?? rest.endIndex
            let parameters = rest[rest.index(after: close)..<parametersEnd].split(separator: ";")
            let isNext = parameters.contains { parameter in
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].trimmingHTTPWhitespace().lowercased() == "rel" else { return false }
                let relations = pair[1].filter { $0 != "\"" && $0 != "," }
                return relations.split(separator: " ").contains { $0.lowercased() == "next" }
            }
            if isNext { return String(target) }
            rest = rest[parametersEnd...]
        }
        return nil
    }
}
