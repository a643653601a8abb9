import Foundation
import KnotworkCore
import Testing
import Vapor
import VaporTesting
@testable import KnotworkWeb

/// The whole ICD-10-CM code set through HTTP: the search API and page, and a plan of care with a code outside the
/// clinic's favourites. The test clock's today is 2026-09-21.
@Suite struct ICD10SearchTests {
    typealias API = AssessmentTests.API

    @Test func theAPISearchesTheWholeSetByWordsAndCodeOnTheDateOfService() async throws {
        try await withClinic { clinic in
            let api = try await API(clinic, "ana.lmt")
            let found = try await api.json(.GET, "/api/v1/catalog/icd10?q=postural%20orthostatic%20tachycardia", expect: .ok)
            let items = try #require(found["items"] as? [[String: Any]])
            #expect(found["on"] as? String == "2026-09-21")
            #expect(items.map { $0["code"] as? String } == ["G90.A"])
            #expect(items.first?["validOnDate"] as? Bool == true && items.first?["favourite"] as? Bool == false)

            // Before 1 October 2021 M54.5 was the code; after, its three children, the deleted code last.
            let old = try await api.json(.GET, "/api/v1/catalog/icd10?q=m545&on=2021-09-30&limit=4", expect: .ok)
            let oldItems = try #require(old["items"] as? [[String: Any]])
            #expect(oldItems.first?["code"] as? String == "M54.5" && oldItems.first?["validOnDate"] as? Bool == true)
            let new = try await api.json(.GET, "/api/v1/catalog/icd10?q=m545&on=2021-10-01", expect: .ok)
            let newItems = try #require(new["items"] as? [[String: Any]])
            #expect(newItems.map { $0["code"] as? String } == ["M54.50", "M54.51", "M54.59", "M54.5"])
            #expect(newItems.last?["validOnDate"] as? Bool == false && newItems.last?["validTo"] as? String == "2021-09-30")
            #expect((newItems.last?["replacedBy"] as? [String]) == ["M54.50", "M54.51", "M54.59"])

            let bad = try await api.json(.GET, "/api/v1/catalog/icd10?q=M54&on=yesterday&limit=500", expect: .unprocessableEntity)
            #expect(Set((bad["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []) == ["on", "limit"])
            let anonymous = try await clinic.tester.sendRequest(.GET, "/api/v1/catalog/icd10?q=M54")
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test func thePageListsCodesWithTheirValidityAndRefusesABadDate() async throws {
        try await withClinic { clinic in
            let session = try await clinic.signIn("ana.lmt")
            let t = try clinic.tester
            let page = try await t.sendRequest(.GET, "/catalog/icd10?q=myalgia&on=2026-09-21", headers: session.headers)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("M79.18") && page.body.string.contains("header, not billable"))
            let bare = try await t.sendRequest(.GET, "/catalog/icd10", headers: session.headers)
            #expect(bare.status == .ok && !bare.body.string.contains("icd10-results"))
            let bad = try await t.sendRequest(.GET, "/catalog/icd10?q=M54&on=21.09.2026", headers: session.headers)
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("The date of service must be a date"))
            let anonymous = try await t.sendRequest(.GET, "/catalog/icd10?q=M54")
            #expect(anonymous.status == .seeOther)
        }
    }

    @Test func aPlanAcceptsAnyBillableCodeAndRefusesAHeaderWithItsChildren() async throws {
        try await withClinic { clinic in
            let api = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let base = "/api/v1/patients/\(p.id.uuidString)/plans"
            func plan(_ code: String) -> String { CareAPITests.plan.replacingOccurrences(of: "M54.2", with: code) }
            let header = try await api.json(.POST, base, plan("G90.5"), expect: .unprocessableEntity)
            let message = (header["errors"] as? [[String: Any]])?.first?["message"] as? String ?? ""
            #expect(message.contains("G90.5 is a non-billable header") && message.contains("G90.50"), "\(message)")
            _ = try await api.json(.POST, base, plan("g90a"), expect: .created)
        }
    }
}
