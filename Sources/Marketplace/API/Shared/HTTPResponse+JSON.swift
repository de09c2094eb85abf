import Foundation

extension HTTPResponse {
    /// The body decoded as `type`; a failure names the URL and the field.
    func decodeJSON<Value: Decodable>(_ type: Value.Type) throws(MarketplaceAPIError) -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch let error as DecodingError {
            throw .malformedResponse(url: url, field: error.fieldPath, problem: error.problem)
        } catch {
            throw .malformedResponse(url: url, field: "", problem: "\(error)")
        }
    }
}
