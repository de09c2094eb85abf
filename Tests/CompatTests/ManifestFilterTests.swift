import Foundation
import Marketplace
import Testing

@testable import Compat

/// A Hugging Face manifest model with just what the filters look at.
private func hubModel(_ id: String, downloads: Int, likes: Int, parameters: UInt64?, license: String?) -> ManifestModel {
    var model = ManifestModel(
        describing: Model(id: id, name: id, downloads: downloads, likes: likes, provider: .huggingFace, category: .llm, license: license),
        factsSource: .headers)
    model.parameters = parameters
    return model
}

typealias HubFilters = HuggingFaceManifestBuilder
typealias CivitAIFilters = CivitAIManifestBuilder

@Suite("manifest filters")
struct ManifestFilterTests {
    static let models = [
        hubModel("a", downloads: 30, likes: 1, parameters: 1_000_000_000, license: "apache-2.0"),
        hubModel("b", downloads: 20, likes: 9, parameters: 8_000_000_000, license: "MIT"),
        hubModel("c", downloads: 10, likes: 9, parameters: nil, license: nil),
        hubModel("d", downloads: 5, likes: 20, parameters: 70_000_000_000, license: "llama3"),
    ]

    @Test("a filter in the listing's own order keeps the listing's ranking; another orders by its count, ties in listing order")
    func hubOrder() {
        #expect(HubFilters.FilterSort.downloads.order(Self.models.reversed(), listedBy: .downloads).map(\.id) == ["d", "c", "b", "a"])
        #expect(HubFilters.FilterSort.likes.order(Self.models, listedBy: .downloads).map(\.id) == ["d", "b", "c", "a"])
        #expect(HubFilters.FilterSort.downloads.order(Self.models.reversed(), listedBy: .trending).map(\.id) == ["a", "b", "c", "d"])
    }

    @Test("licenses fall into apache, mit and other; a model without one is other", arguments: [
        (Optional("apache-2.0"), HubFilters.LicenseFilter.apache), ("Apache-2.0", .apache), ("mit", .mit), ("MIT", .mit),
        ("apache-1.1", .other), ("llama3", .other), (nil, .other),
    ])
    func licenses(license: String?, expected: HubFilters.LicenseFilter) {
        #expect(HubFilters.LicenseFilter(license: license) == expected)
    }

    @Test("size classes come from true parameters; a model without them is only in all")
    func sizes() {
        #expect(Self.models.filter(HubFilters.SizeFilter.small.keeps).map(\.id) == ["a"])
        #expect(Self.models.filter(HubFilters.SizeFilter.medium.keeps).map(\.id) == ["b"])
        #expect(Self.models.filter(HubFilters.SizeFilter.large.keeps).map(\.id) == ["d"])
        #expect(Self.models.filter(HubFilters.SizeFilter.all.keeps).count == 4)
    }

    @Test("the Hub filter equal to the models file is left out: the listing's sort, all sizes, all licenses", arguments: [
        (ListingSort.downloads, Optional("hf/filter/downloads/all/all")), (.likes, "hf/filter/likes/all/all"), (.trending, nil), (.recent, nil),
    ])
    func hubOmission(listingSort: ListingSort, omitted: String?) {
        let filters = HubFilters.filters(Self.models, listedBy: listingSort, timestamp: "t").map(\.filter)
        #expect(filters.count == (omitted == nil ? 32 : 31))
        #expect(Set(filters).count == filters.count)
        if let omitted { #expect(!filters.contains(omitted)) }
        #expect(filters.first == (listingSort == .downloads ? "hf/filter/downloads/all/apache" : "hf/filter/downloads/all/all"))
    }

    @Test("a filter entry carries id, slug, name, parameters and the smallest variant's size; its file is named after its path")
    func filterEntry() throws {
        var model = hubModel("org/m", downloads: 1, likes: 1, parameters: 7, license: "mit")
        model.smallestVariantBytes = 100
        model.recommendedVariantBytes = 200
        let manifest = FilterManifest(provider: .huggingFace, choices: ["likes", "small", "mit"], models: [model], timestamp: "t")
        #expect(manifest.fileName == "hf-filter-likes-small-mit.json")
        #expect(FilterManifest.isFileName(manifest.fileName, of: .huggingFace))
        #expect(!FilterManifest.isFileName(manifest.fileName, of: .civitAI))
        #expect(!FilterManifest.isFileName("huggingface-models.json", of: .huggingFace))
        let json = String(decoding: ManifestJSON.encode(manifest.models[0]), as: UTF8.self)
        #expect(json == """
            {
              "id" : "org/m",
              "name" : "org/m",
              "parameters" : 7,
              "sizeBytes" : 100,
              "slug" : "org--m"
            }

            """)
    }

    @Test("content levels each allow the ones before them, and a model shows when it has content at an allowed level", arguments: [
        (1, ["pg", "pg13", "r", "x", "all"]), (2, ["pg13", "r", "x", "all"]), (4, ["r", "x", "all"]), (6, ["pg13", "r", "x", "all"]),
        (8, ["x", "all"]), (16, ["all"]),
    ])
    func contentLevels(nsfwLevel: Int, shownIn: [String]) throws {
        let model = try JSONDecoder().decode(CivitAIModel.self, from: Data(
            ManifestMarketplaces.civitAIModel(id: 1, type: "LORA", baseModel: "SDXL 1.0", nsfwLevel: nsfwLevel, publishedAt: nil).utf8))
        #expect(CivitAIFilters.ContentFilter.allCases.filter { $0.keeps(model) }.map(\.rawValue) == shownIn)
    }

    @Test("periods reach back from the timestamp, ends included; without a publication date only all keeps a model")
    func periods() {
        let now = Date(timeIntervalSince1970: 1_750_000_000)
        let day: TimeInterval = 86_400
        func kept(_ published: Date?) -> [String] {
            CivitAIFilters.PeriodFilter.allCases.filter { $0.keeps(publishedAt: published, at: now) }.map(\.rawValue)
        }
        #expect(kept(now.addingTimeInterval(-day)) == ["all", "year", "month", "week", "day"])
        #expect(kept(now.addingTimeInterval(-day - 1)) == ["all", "year", "month", "week"])
        #expect(kept(now.addingTimeInterval(-7 * day - 1)) == ["all", "year", "month"])
        #expect(kept(now.addingTimeInterval(-30 * day - 1)) == ["all", "year"])
        #expect(kept(now.addingTimeInterval(-365 * day - 1)) == ["all"])
        #expect(kept(now.addingTimeInterval(day)) == ["all", "year", "month", "week", "day"])
        #expect(kept(nil) == ["all"])
    }

    @Test("base model families go by the start of CivitAI's base model name", arguments: [
        ("SDXL 1.0", "sdxl"), ("SDXL Turbo", "sdxl"), ("SDXL Lightning", "sdxl"), ("SD 1.5", "sd15"), ("SD 1.5 LCM", "sd15"),
        ("SD 2.1 768", "sd21"), ("Flux.1 D", "flux"), ("Flux.1 S", "flux"), ("Pony", "pony"), ("Illustrious", nil), ("SD 1.4", nil),
    ])
    func baseModels(baseModel: String, family: String?) {
        var model = ManifestModel(describing: Model(id: "1", name: "m", provider: .civitAI, category: .lora), factsSource: .api)
        model.architecture = baseModel
        let families = CivitAIFilters.BaseModelFilter.allCases.filter { $0 != .all && $0.keeps(model) }.map(\.rawValue)
        #expect(families == (family.map { [$0] } ?? []))
    }

    @Test("every CivitAI combination but all/all/all/all is written, each once")
    func civitAIOmission() {
        let filters = CivitAIFilters.filters([], at: ManifestTimestamp(Date(timeIntervalSince1970: 0))).map(\.filter)
        #expect(filters.count == 5 * 5 * 3 * 6 - 1)
        #expect(Set(filters).count == filters.count)
        #expect(!filters.contains("civitai/filter/all/all/all/all"))
        #expect(filters.first == "civitai/filter/pg/all/all/all")
    }

    @Test("listing sorts map to CivitAI's nearest ranking")
    func civitAIRanking() {
        #expect(ListingSort.downloads.civitAIRanking == (.mostDownloaded, nil))
        #expect(ListingSort.likes.civitAIRanking == (.highestRated, nil))
        #expect(ListingSort.trending.civitAIRanking == (.mostDownloaded, .week))
        #expect(ListingSort.recent.civitAIRanking == (.newest, nil))
    }
}
