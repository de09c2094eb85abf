import Foundation
import Marketplace
import Testing
import TestSupport

@testable import Compat

/// Checks JSON against the part of JSON Schema (draft 2020-12) that `schemas/*.json` use: `type` (a
/// name or a list of names), `enum`, `required`, `properties`, `additionalProperties` (a boolean or a
/// schema), `items`, `minimum`, and `$ref` to `#/$defs/NAME`. Annotations (`$schema`, `title`,
/// `description`) are skipped; any other keyword is an error, so a schema cannot lean on a keyword
/// nobody checks.
struct JSONSchemaValidator {
    let root: JSONValue

    static let annotations: Set = ["$schema", "$defs", "title", "description"]
    static let keywords: Set = ["type", "enum", "required", "properties", "additionalProperties", "items", "minimum", "$ref"]

    /// The schema in `schemas/NAME` of this package.
    init(schemaNamed name: String) throws {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        root = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: packageRoot.appendingPathComponent("schemas/\(name)")))
    }

    init(schema: JSONValue) {
        root = schema
    }

    /// Every violation, as `PATH: problem`; empty when `instance` is valid.
    func errors(in instance: JSONValue) -> [String] {
        var errors: [String] = []
        validate(instance, against: root, at: "$", into: &errors)
        return errors
    }

    private func validate(_ value: JSONValue, against schema: JSONValue, at path: String, into errors: inout [String]) {
        guard case .object(let keywords) = schema else {
            errors.append("\(path): the schema is not an object")
            return
        }
        for keyword in keywords.keys.sorted() where !Self.annotations.contains(keyword) && !Self.keywords.contains(keyword) {
            errors.append("\(path): the validator does not know the keyword \(keyword)")
        }
        if let reference = keywords["$ref"]?.stringValue {
            guard reference.hasPrefix("#/$defs/"), let target = root["$defs"]?[String(reference.dropFirst("#/$defs/".count))] else {
                errors.append("\(path): cannot resolve $ref \(reference)")
                return
            }
            validate(value, against: target, at: path, into: &errors)
        }
        if let type = keywords["type"] {
            let names = type.stringValue.map { [$0] } ?? (type.arrayValue ?? []).compactMap(\.stringValue)
            if !names.contains(where: { Self.value(value, hasType: $0) }) {
                errors.append("\(path): expected \(names.joined(separator: " or ")), found \(Self.text(value))")
            }
        }
        if let allowed = keywords["enum"]?.arrayValue, !allowed.contains(value) {
            errors.append("\(path): \(Self.text(value)) is not one of \(Self.text(.array(allowed)))")
        }
        if let minimum = keywords["minimum"]?.doubleValue, let number = value.doubleValue, number < minimum {
            errors.append("\(path): \(Self.text(value)) is below the minimum \(Self.text(keywords["minimum"]!))")
        }
        if case .object(let members) = value {
            for required in (keywords["required"]?.arrayValue ?? []).compactMap(\.stringValue) where members[required] == nil {
                errors.append("\(path): missing \(required)")
            }
            let properties = keywords["properties"]?.objectValue ?? [:]
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let property = properties[name] {
                    validate(member, against: property, at: "\(path).\(name)", into: &errors)
                } else if let additional = keywords["additionalProperties"] {
                    if additional.boolValue == false {
                        errors.append("\(path): unexpected member \(name)")
                    } else if additional.boolValue == nil {
                        validate(member, against: additional, at: "\(path).\(name)", into: &errors)
                    }
                }
            }
        }
        if case .array(let elements) = value, let items = keywords["items"] {
            for (index, element) in elements.enumerated() {
                validate(element, against: items, at: "\(path)[\(index)]", into: &errors)
            }
        }
    }

    /// `value` as compact JSON, for messages.
    private static func text(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
    }

    private static func value(_ value: JSONValue, hasType name: String) -> Bool {
        switch (name, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): true
        case ("integer", .integer), ("number", .integer), ("number", .double): true
        case ("integer", .double(let number)): number.rounded() == number
        default: false
        }
    }
}

@Suite("manifest JSON schemas")
struct ManifestSchemaTests {
    @Test("every file a run writes is valid against its schema")
    func generatedFilesAreValid() async throws {
        let marketplaces = try ManifestMarketplaces()
        let out = marketplaces.path("manifests")
        #expect(try await marketplaces.run(out: out) == CompatCommand.Exit.success)
        let models = try JSONSchemaValidator(schemaNamed: "models.schema.json")
        let filter = try JSONSchemaValidator(schemaNamed: "filter.schema.json")
        let report = try JSONSchemaValidator(schemaNamed: "manifest-report.schema.json")

        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(names.count == ManifestMarketplaces.fileCount)
        for name in names {
            let document = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/" + name)))
            let validator = name.hasSuffix("-models.json") ? models : name == ManifestReport.fileName ? report : filter
            #expect(validator.errors(in: document) == [], "\(name)")
        }
    }

    @Test("the validator reports a missing key, a wrong type, a value outside an enum, an extra member and a negative size")
    func validatorCatchesViolations() throws {
        let validator = try JSONSchemaValidator(schemaNamed: "filter.schema.json")
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(#"""
            {"filter": 7, "timestamp": "t", "extra": true,
             "models": [{"id": "a", "slug": "a", "name": "a", "parameters": null, "sizeBytes": -1},
                        {"id": "b", "slug": "b", "parameters": 1.5, "sizeBytes": null}]}
            """#.utf8))
        #expect(validator.errors(in: document) == [
            "$: unexpected member extra",
            "$.filter: expected string, found 7",
            "$.models[0].sizeBytes: -1 is below the minimum 0",
            "$.models[1]: missing name",
            "$.models[1].parameters: expected integer or null, found 1.5",
        ])
        let report = try JSONSchemaValidator(schemaNamed: "manifest-report.schema.json")
        let badProblem = try JSONDecoder().decode(JSONValue.self, from: Data(#"""
            {"timestamp": "t", "providers": [], "warnings": [], "files": [],
             "failures": [{"provider": "hub", "id": "x", "error": "e", "files": []}]}
            """#.utf8))
        #expect(report.errors(in: badProblem) == [#"$.failures[0].provider: "hub" is not one of ["huggingface","civitai"]"#])
    }

    @Test("a schema keyword the validator does not check is an error, not a pass")
    func unknownKeyword() {
        let validator = JSONSchemaValidator(schema: .object(["type": .string("string"), "pattern": .string("^a")]))
        #expect(validator.errors(in: .string("b")) == ["$: the validator does not know the keyword pattern"])
    }
}
