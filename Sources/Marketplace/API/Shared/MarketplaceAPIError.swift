/// Why a marketplace API call failed. Each `description` names the repository or URL and the cause.
public enum MarketplaceAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a Hub repository id (`owner/name`, or a legacy bare name, of letters, digits, `-`, `_` and `.`).
    case invalidRepositoryID(String)
    /// The Hub has no repository `repository` visible to the caller (it answered `status` at `url`).
    case repositoryNotFound(repository: String, url: String, status: Int)
    /// The Hub repository `repository` has no branch, tag or commit `revision` (404 at `url`).
    case revisionNotFound(repository: String, revision: String, url: String)
    /// CivitAI has no model or model version at `url` (it answered 404).
    case notFound(url: String)
    /// The body from `url` is not the JSON expected: decoding failed at `field` (e.g. `siblings[3].size`;
    /// empty for the document itself).
    case malformedResponse(url: String, field: String, problem: String)
    /// A paginated answer from `url` pointed its next page at `link`, on another origin; it is not followed,
    /// since the next request would carry the token there.
    case foreignNextPageLink(url: String, link: String)
    /// The request failed in the HTTP layer: transport, server errors, or `accessDenied` for a gated
    /// or private repository.
    case http(HTTPError)

    public var description: String {
        switch self {
        case .invalidRepositoryID(let id):
            "\"\(id)\" is not a Hugging Face repository id (expected owner/name)."
        case .repositoryNotFound(let repository, let url, let status):
            "Hugging Face repository \(repository) not found (\(url) answered HTTP \(status)); "
                + "check the id, or set HF_TOKEN if it is private."
        case .revisionNotFound(let repository, let revision, let url):
            "Hugging Face repository \(repository) has no revision \(revision) (\(url) answered HTTP 404)."
        case .notFound(let url):
            "\(url) answered HTTP 404: no such model or version."
        case .malformedResponse(let url, let field, let problem):
            "Unexpected JSON from \(url)\(field.isEmpty ? "" : " at \(field)"): \(problem)."
        case .foreignNextPageLink(let url, let link):
            "\(url) pointed its next page at another site (\(link)); not followed."
        case .http(let error):
            error.description
        }
    }
}
