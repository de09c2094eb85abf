import Testing
@testable import Marketplace

@Suite("CivitAI NSFW filtering")
struct CivitAINSFWFilterTests {
    /// A model with one version whose images have `imageLevels` (nil = unrated).
    static func model(nsfw: Bool? = false, nsfwLevel: Int? = nil, imageLevels: [Int?]) throws -> CivitAIModel {
        let images = imageLevels.enumerated().map { index, level in
            #"{"url":"https://image.test/\#(index).jpeg"\#(level.map { #","nsfwLevel":\#($0)"# } ?? "")}"#
        }
        let fields = [
            #""id":1,"name":"m","type":"LORA""#,
            nsfw.map { #""nsfw":\#($0)"# },
            nsfwLevel.map { #""nsfwLevel":\#($0)"# },
            #""modelVersions":[{"id":2,"name":"v1","images":[\#(images.joined(separator: ","))]}]"#,
        ]
        return try decodeResponse(CivitAIModel.self, json: "{\(fields.compactMap { $0 }.joined(separator: ","))}")
    }

    @Test("the default filter allows safe content only")
    func defaultIsSafeOnly() {
        #expect(CivitAINSFWFilter().allowedLevels == .safe)
        #expect(CivitAINSFWFilter.safeOnly.allowsMatureContent == false)
    }

    /// A model's `nsfwLevel`, the filter's allowed levels, and whether the model is kept.
    struct LevelExample: Sendable, CustomTestStringConvertible {
        let modelLevel: Int
        let allowed: CivitAINSFWLevel
        let kept: Bool
        var testDescription: String { "model level \(modelLevel), allowed \(allowed.rawValue) -> kept: \(kept)" }
    }

    @Test("a model is kept when its levels share one with the allowed levels", arguments: [
        LevelExample(modelLevel: 7, allowed: .safe, kept: true),
        LevelExample(modelLevel: 6, allowed: .safe, kept: false),
        LevelExample(modelLevel: 6, allowed: [.safe, .soft], kept: true),
        LevelExample(modelLevel: 24, allowed: [.safe, .soft, .mature], kept: false),
        LevelExample(modelLevel: 24, allowed: .all, kept: true),
    ])
    func modelLevels(example: LevelExample) throws {
        let model = try Self.model(nsfwLevel: example.modelLevel, imageLevels: [])
        #expect(CivitAINSFWFilter(allowedLevels: example.allowed).allows(model) == example.kept)
    }

    @Test("a model marked nsfw is dropped by the safe-only filter even when its level says safe")
    func markedModelNeedsMatureAllowance() throws {
        let marked = try Self.model(nsfw: true, nsfwLevel: 1, imageLevels: [1])
        #expect(!CivitAINSFWFilter.safeOnly.allows(marked))
        #expect(CivitAINSFWFilter(allowedLevels: [.safe, .soft]).allows(marked))
    }

    @Test("a legacy model without levels counts as safe unless marked nsfw, then as X")
    func legacyModelWithoutLevels() throws {
        #expect(CivitAINSFWFilter.safeOnly.allows(try Self.model(nsfw: false, imageLevels: [])))
        let marked = try Self.model(nsfw: true, imageLevels: [])
        #expect(!CivitAINSFWFilter(allowedLevels: [.safe, .soft, .mature]).allows(marked))
        #expect(CivitAINSFWFilter(allowedLevels: [.safe, .x]).allows(marked))
    }

    @Test("images above the allowed levels are dropped; unrated ones are kept only when everything is allowed")
    func imagesAreFiltered() throws {
        let model = try Self.model(nsfwLevel: 15, imageLevels: [4, 1, nil, 2, 8])
        let imageNames = { (filter: CivitAINSFWFilter) in
            filter.apply(to: model).modelVersions[0].images.map { $0.url.split(separator: "/").last.map(String.init) }
        }
        #expect(imageNames(.safeOnly) == ["1.jpeg"])
        #expect(imageNames(CivitAINSFWFilter(allowedLevels: [.safe, .soft])) == ["1.jpeg", "3.jpeg"])
        #expect(imageNames(.everything) == ["0.jpeg", "1.jpeg", "2.jpeg", "3.jpeg", "4.jpeg"])
    }

    @Test("filtering a list drops disallowed models and trims the images of the rest")
    func listFiltering() throws {
        let mixed = try Self.model(nsfwLevel: 5, imageLevels: [4, 1])
        let matureOnly = try Self.model(nsfwLevel: 4, imageLevels: [4])
        let kept = CivitAINSFWFilter.safeOnly.apply(to: [mixed, matureOnly])
        #expect(kept.count == 1)
        #expect(kept.first?.modelVersions[0].images.map(\.nsfwLevel) == [.safe])
    }
}
