import Foundation
import Testing
@testable import KnotworkCore

/// The bundled CMS ICD-10-CM code set (Resources/icd10cm.tsv, built by scripts/icd10cm/build_codeset.py from the
/// releases named in scripts/icd10cm/SOURCES.md): facts from CMS's own releases, checked by date of service.
struct ICD10CodeSetTests {
    func date(_ s: String) -> CalendarDate { CalendarDate(s)! }

    func refusal(_ code: String, _ day: String) -> ICD10Refusal? {
        if case let .failure(r) = ICD10Catalog.validate(code: code, on: self.date(day)) { return r }
        return nil
    }

    @Test func theBundledFileLoadsAndEveryLineParses() throws {
        let set = try ICD10Catalog.loaded.get()
        let url = try #require(Bundle.module.url(forResource: "icd10cm", withExtension: "tsv"))
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(set.count == lines.count)
        #expect(ICD10Catalog.codes.count == lines.count)
        for code in set {
            #expect(ICD10Catalog.isWellFormed(code.code), "\(code.code)")
            #expect(!code.description.isEmpty && !code.description.hasPrefix("^"), "\(code.code)")
        }
    }

    @Test func parsingRefusesABrokenLine() {
        #expect(throws: ICD10CodeSet.LoadError.self) { try ICD10CodeSet.parse(Data("M54.5\t0\t2021\n".utf8), favourites: []) }
        #expect(throws: ICD10CodeSet.LoadError.self) { try ICD10CodeSet.parse(Data("M54.50\t1\t20x2\t\t\t^, unspecified\n".utf8), favourites: []) }
        // "^" with no earlier ancestor line.
        #expect(throws: ICD10CodeSet.LoadError.self) { try ICD10CodeSet.parse(Data("M54.50\t1\t2022\t\t\t^, unspecified\n".utf8), favourites: []) }
    }

    /// CMS's published FY2025 total is 74,260 billable codes (FY2024: 74,044); the FY2026 release in the data holds
    /// the count below (see SOURCES.md).
    @Test func billableCountsMatchCMSReleases() {
        let codes = ICD10Catalog.codes
        #expect(codes.filter { $0.billable }.count == 74_706)
        #expect(codes.filter { $0.isValid(on: date("2025-06-01")) }.count == 74_260)
        #expect(codes.filter { $0.isValid(on: date("2024-06-01")) }.count == 74_044)
        #expect(codes.filter { $0.isValid(on: date("2021-06-01")) }.count == 72_621)
    }

    @Test(arguments: [
        // FY2022 (1 Oct 2021): M54.5 split into M54.50/.51/.59.
        ("M54.5", "2021-09-30", nil),
        ("M54.5", "2021-10-01", "M54.5 is not valid for dates of service from 2021-10-01; use M54.50, M54.51 or M54.59."),
        ("M54.50", "2021-09-30", "M54.50 is not valid for dates of service before 2021-10-01; use M54.5."),
        ("M54.50", "2021-10-01", nil),
        // M79.1 is a header in every release of the data (the split is already in the FY2021 file).
        ("M79.1", "2021-09-30", "M79.1 is a non-billable header; use M79.10, M79.11, M79.12 or M79.18."),
        ("M79.1", "2023-01-01", "M79.1 is a non-billable header; use M79.10, M79.11, M79.12 or M79.18."),
        ("M79.18", "2020-10-01", nil),
        // E66.811 Obesity, class 1: new in the FY2025 release (1 Oct 2024).
        ("E66.811", "2024-09-30", "E66.811 is not valid for dates of service before 2024-10-01; use E66.8."),
        ("E66.811", "2024-10-01", nil),
        // E11.A Type 2 diabetes mellitus without complications in remission: new in the FY2026 release.
        ("E11.A", "2025-09-30", "E11.A is not valid for dates of service before 2025-10-01."),
        ("E11.A", "2025-10-01", nil),
        // S30.1XXA Contusion of abdominal wall: in FY2025, deleted in FY2026 (split into S30.11XA/S30.12XA/S30.13XA).
        ("S30.1XXA", "2025-09-30", nil),
        ("S30.1XXA", "2025-10-01", "S30.1XXA is not valid for dates of service from 2025-10-01; use S30.11XA, S30.12XA or S30.13XA."),
        // Any code of the set, not only the clinic's list.
        ("J12.82", "2026-01-05", nil),
        ("Z99.9", "2026-01-05", "Z99.9 is not an ICD-10-CM code."),
    ] as [(String, String, String?)])
    func validityByDateOfServiceFromCMS(code: String, on day: String, message: String?) {
        switch ICD10Catalog.validate(code: code, on: date(day)) {
        case let .success(found):
            #expect(message == nil, "accepted \(found.code)")
            #expect(found.code == code)
        case let .failure(refusal):
            #expect(refusal.message == message)
        }
    }

    @Test func deletedCodesNameTheirReplacements() throws {
        #expect(refusal("M54.5", "2021-10-01")?.suggestions == ["M54.50", "M54.51", "M54.59"])
        #expect(refusal("M54.51", "2021-09-30")?.suggestions == ["M54.5"])
        // Derived from the data (S30.1XXA is not a favourite).
        let s301 = try #require(ICD10Catalog.code("S30.1XXA"))
        #expect(s301.replacedBy == ["S30.11XA", "S30.12XA", "S30.13XA"])
        #expect(s301.validTo == date("2025-09-30"))
        #expect(!s301.billable)
    }

    @Test func headersAreNeverAccepted() throws {
        let m54 = try #require(refusal("M54", "2026-01-05"))
        #expect(m54.message.hasPrefix("M54 is a non-billable header; use M54.2, "))
        #expect(m54.suggestions.count == ICD10Catalog.maxSuggestions)
        // Favourites first among the codes offered.
        #expect(m54.suggestions.prefix(3) == ["M54.2", "M54.30", "M54.31"])
        let m255 = try #require(refusal("M25.5", "2026-01-05"))
        #expect(m255.message == "M25.5 is a non-billable header; use M25.50, M25.511, M25.512, M25.521 … (23 codes).")
        #expect(try #require(ICD10Catalog.code("M54")).billable == false)
    }

    /// The hand-written short list agrees with CMS on the dates it gives (CMS wins where they would differ).
    @Test func theHandListAgreesWithCMS() throws {
        for code in ["M54.5", "M54.50", "M79.1", "M79.18"] {
            let hand = try #require(ICD10Catalog.handList.first { $0.code == code })
            let cms = try #require(ICD10Catalog.code(code))
            #expect(hand.validFrom == cms.validFrom, "\(code)")
            #expect(hand.validTo == cms.validTo, "\(code)")
            #expect(hand.billable == cms.billable, "\(code)")
        }
        for hand in ICD10Catalog.handList {
            let cms = try #require(ICD10Catalog.code(hand.code), "\(hand.code) is not in CMS's set")
            // The favourite's notes show, its dates are CMS's.
            #expect(cms.source == hand.source && cms.note == hand.note && cms.confidence == hand.confidence, "\(hand.code)")
            #expect(ICD10Catalog.codes.isFavourite(cms))
        }
    }

    @Test func searchFindsAnyBillableCodeByWordsOrCodePrefix() {
        let words = ICD10Catalog.search("low back pain", on: date("2026-01-05")).map(\.code)
        #expect(words.prefix(3) == ["M54.50", "M54.51", "M54.59"])
        #expect(words.contains("M54.5"))
        let prefix = ICD10Catalog.search("M54.5", on: date("2026-01-05")).map(\.code)
        #expect(prefix == ["M54.50", "M54.51", "M54.59", "M54.5"])
        // A code no favourite covers.
        #expect(ICD10Catalog.search("postural orthostatic tachycardia", on: date("2026-01-05")).map(\.code) == ["G90.A"])
        #expect(ICD10Catalog.search("obesity class 1", on: date("2026-01-05")).map(\.code).first == "E66.811")
        #expect(ICD10Catalog.search("fracture", on: date("2026-01-05")).count == 25)
        #expect(ICD10Catalog.search("fracture", on: date("2026-01-05"), limit: 3).count == 3)
        #expect(ICD10Catalog.search("zzzq", on: date("2026-01-05")).isEmpty)
    }

    /// The search's parameters as a client sends them: defaults, and a field error naming each bad one.
    @Test(arguments: [
        (nil, nil, nil, nil),
        ("low back", "2021-09-30", "100", nil),
        (String(repeating: "a", count: 101), nil, nil, "q"),
        ("M54", "30/09/2021", nil, "on"),
        ("M54", nil, "0", "limit"),
        ("M54", nil, "101", "limit"),
        ("M54", nil, "ten", "limit"),
    ] as [(String?, String?, String?, String?)])
    func queryParameters(q: String?, on: String?, limit: String?, badField: String?) throws {
        let today = date("2026-01-05")
        do {
            let query = try ICD10Query.parse(q: q, on: on, limit: limit, today: today)
            #expect(badField == nil)
            #expect(query.date == (on.flatMap(CalendarDate.init) ?? today))
            #expect(query.limit == (limit.flatMap(Int.init) ?? 25))
        } catch let e as ValidationFailure {
            #expect(e.errors.map(\.field) == [badField].compactMap { $0 })
        }
    }

    /// The date of service decides: M54.5 is the code on 2021-09-30 and a deleted one the next day.
    @Test func queryRunsOnItsDateOfService() {
        let before = ICD10Query(text: "M54.5", date: date("2021-09-30")).run()
        #expect(before.first?.code == "M54.5" && before.first?.isValid(on: date("2021-09-30")) == true)
        let after = ICD10Query(text: "M54.5", date: date("2021-10-01")).run()
        #expect(after.map(\.code) == ["M54.50", "M54.51", "M54.59", "M54.5"])
    }
}
