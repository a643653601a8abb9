import Foundation
import KnotworkCore
import KnotworkStore
import Testing
import Vapor
import VaporTesting
@testable import KnotworkWeb

/// Licenses, the CE log and the license gate (issue 13 §2–3) through the real pages and database. The test clock's today
/// is 2026-09-21; Illinois's rule from 2024 is 25 h per two years with 2 h ethics and 1 h domestic-violence and
/// sexual-assault awareness (68 Ill. Adm. Code 1284.90; Public Act 103-0039).
@Suite struct CredentialTests {
    typealias API = AssessmentTests.API

    func post(_ clinic: Clinic, _ session: BrowserSession, _ path: String, _ fields: [(String, String)]) async throws -> TestingHTTPResponse {
        let (h, b) = session.form(fields)
        return try await clinic.tester.sendRequest(.POST, path, headers: h, body: b)
    }

    func license(_ expires: String, kind: String = "LMT", state: String = "IL", extra: [(String, String)] = []) -> [(String, String)] {
        [("kind", kind), ("jurisdiction", state), ("number", "034.0123456"), ("issuedOn", "2024-01-15"), ("expiresOn", expires), ("status", "active")] + extra
    }

    func inIllinois(_ clinic: Clinic) async throws {
        let admin = try await API(clinic, "admin")
        _ = try await admin.json(.PUT, "/api/v1/clinic-settings", #"{"identity":{"legalName":"Lakeshore Medical Massage LLC","state":"IL"}}"#, expect: .ok)
    }

    @Test func aClinicianKeepsTheirLicenseAndCELogAndSeesWhatIsShort() async throws {
        try await withClinic { clinic in
            let ana = try await clinic.signIn("ana.lmt")
            let t = try clinic.tester
            // An expiry before the issue date, and a verification a clinician may not record: field errors, nothing saved.
            let bad = try await self.post(clinic, ana, Paths.myLicenses, self.license("2023-12-31", extra: [("verification", "primary-source"), ("verifiedOn", "2026-09-01")]))
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("The expiry must be after the issue date.")
                    && bad.body.string.contains("Only an administrator records how a license was verified."))
            #expect(try await CredentialStore(database: clinic.app.db).licenses(of: clinic.user("ana.lmt").id).isEmpty)
            #expect(try await self.post(clinic, ana, Paths.myLicenses, self.license("2026-12-31")).status == .seeOther)

            // 2 h of ethics live and 20 h of hands-on technique online: 3 h short in total and the domestic-violence hour missing.
            let course = { (title: String, hours: String, delivery: String, categories: [String]) in
                [("title", title), ("provider", "Prairie CE Institute"), ("completedOn", "2026-03-02"), ("hours", hours), ("delivery", delivery)]
                    + categories.map { ("categories", $0) }
            }
            #expect(try await self.post(clinic, ana, Paths.myCourses, course("Ethics and boundaries", "2", "live", ["ethics"])).status == .seeOther)
            #expect(try await self.post(clinic, ana, Paths.myCourses, course("Myofascial release of the neck", "20", "online", ["hands-on"])).status == .seeOther)
            let future = try await self.post(clinic, ana, Paths.myCourses, course("Next year", "0", "live", []).map { $0.0 == "completedOn" ? ($0.0, "2027-01-01") : $0 })
            #expect(future.status == .unprocessableEntity && future.body.string.contains("A course is logged once it is completed")
                    && future.body.string.contains("Hours must be more than 0"))
            #expect(try await CredentialStore(database: clinic.app.db).courses(of: clinic.user("ana.lmt").id).count == 2)

            let page = try await t.sendRequest(.GET, Paths.myCredentials, headers: ana.headers)
            let html = page.body.string
            #expect(html.contains("CE short by 2026-12-31: 3 hours more in total; 1 hour more of domestic-violence and sexual-assault awareness."), "\(html)")
            #expect(html.contains("Public Act 103-0039") && html.contains("self-reported, not yet verified"))
            #expect(html.contains("Not checked: the clinic&#39;s state is not on record") || html.contains("Not checked: the clinic's state is not on record"))
            let tasks = try await t.sendRequest(.GET, Paths.tasks, headers: ana.headers)
            #expect(tasks.body.string.contains("Your licenses need attention") && tasks.body.string.contains("LMT IL: CE short by 2026-12-31"))
            // Ben has nothing on record and the clinic no state: nothing to warn about yet.
            let ben = try await clinic.signIn("ben.lmt")
            #expect(!(try await t.sendRequest(.GET, Paths.tasks, headers: ben.headers)).body.string.contains("Your licenses need attention"))
            #expect(try await clinic.auditCount(.licenseSave, outcome: "success") == 1)
            #expect(try await clinic.auditCount(.licenseSave, outcome: "failure") == 1)
            #expect(try await clinic.auditCount(.ceCourseAdd, outcome: "success") == 2)
        }
    }

    @Test func withTheClinicsStateOnRecordBookingAndSigningNeedACurrentLicenseOrAnException() async throws {
        try await withClinic { clinic in
            try await self.inIllinois(clinic)
            let desk = try await API(clinic, "fran.desk")
            let p = clinic.anaPatient!
            let anaID = clinic.user("ana.lmt").id.uuidString
            let booking = { (start: String) in #"{"clinicianId":"\#(anaID)","start":"\#(start)","minutes":60,"kind":"session"}"# }
            let refused = try await desk.json(.POST, "/api/v1/patients/\(p.id)/appointments", booking("2026-09-22T15:00:00Z"), expect: .unprocessableEntity)
            let error = ((refused["errors"] as? [[String: Any]]) ?? []).first
            #expect(error?["field"] as? String == "clinicianId" && (error?["message"] as? String)?.contains("No LMT or LMBT or CMT license for IL") == true)
            #expect(try await AppointmentStore(database: clinic.app.db).appointments(of: p.id).isEmpty)

            // The administrator records Ana's verified license, good through 30 September.
            let admin = try await clinic.signIn("admin")
            let saved = try await self.post(clinic, admin, Paths.adminLicenses(clinic.user("ana.lmt").id),
                                            self.license("2026-09-30", extra: [("verification", "primary-source"), ("verifiedOn", "2026-09-20")]))
            #expect(saved.status == .seeOther)
            _ = try await desk.json(.POST, "/api/v1/patients/\(p.id)/appointments", booking("2026-09-22T15:00:00Z"), expect: .created)
            let late = try await desk.json(.POST, "/api/v1/patients/\(p.id)/appointments", booking("2026-10-02T15:00:00Z"), expect: .unprocessableEntity)
            #expect((((late["errors"] as? [[String: Any]]) ?? []).first?["message"] as? String)?.contains("expired on 2026-09-30") == true)
            // A license of another state does not count.
            _ = try await self.post(clinic, admin, Paths.adminLicenses(clinic.user("ben.lmt").id), self.license("2027-09-30", state: "WI"))

            // Ben signs nothing until an administrator grants an exception; the note stays a draft.
            let ben = try await API(clinic, "ben.lmt")
            let note = """
                {"idempotencyKey":"ben-1","note":{"subjective":{"painToday":6},
                 "interventions":[{"technique":"myofascial-release","regions":["neck-back.left"],"minutes":30,"pressure":"moderate"}],
                 "painAfter":3,"timeIn":"2026-09-21T08:00:00Z","timeOut":"2026-09-21T09:00:00Z"}}
                """
            let draft = try await ben.json(.POST, "/api/v1/patients/\(clinic.benPatient.id)/notes", note, expect: .created)
            let id = try #require(draft["id"] as? String)
            let unsigned = try await ben.json(.POST, "/api/v1/patients/\(clinic.benPatient.id)/notes/\(id)/sign", "{}", expect: .unprocessableEntity)
            #expect((((unsigned["errors"] as? [[String: Any]]) ?? []).first?["message"] as? String)?.contains("not licensed to treat in IL on 2026-09-21") == true)

            let page = try await clinic.tester.sendRequest(.GET, Paths.adminCompliance, headers: admin.headers)
            #expect(page.body.string.contains("May not be booked or sign notes in IL: No LMT or LMBT or CMT license for IL"))
            #expect(page.body.string.contains("the board&#39;s online lookup (primary source) on 2026-09-20") || page.body.string.contains("the board's online lookup (primary source) on 2026-09-20"))
            // Too long, for someone who passes, then a proper one.
            let exception = Paths.adminLicenseException(clinic.user("ben.lmt").id)
            let long = try await self.post(clinic, admin, exception, [("startsOn", "2026-09-21"), ("endsOn", "2026-11-30"), ("reason", "Renewal filed, not yet posted")])
            #expect(long.status == .unprocessableEntity && long.body.string.contains("An exception lasts at most 30 days."))
            let needless = try await self.post(clinic, admin, Paths.adminLicenseException(clinic.user("ana.lmt").id),
                                               [("startsOn", "2026-09-21"), ("endsOn", "2026-09-25"), ("reason", "Renewal filed, not yet posted")])
            #expect(needless.status == .unprocessableEntity && needless.body.string.contains("no exception is needed"))
            #expect(try await self.post(clinic, admin, exception, [("startsOn", "2026-09-21"), ("endsOn", "2026-09-25"),
                                                                    ("reason", "Illinois license issued 18 September, not yet on the IDFPR lookup")]).status == .seeOther)
            _ = try await ben.json(.POST, "/api/v1/patients/\(clinic.benPatient.id)/notes/\(id)/sign", "{}", expect: .ok)
            let listed = try await clinic.tester.sendRequest(.GET, Paths.adminCompliance, headers: admin.headers)
            #expect(listed.body.string.contains("Exception 2026-09-21 to 2026-09-25, granted by Admin") && listed.body.string.contains("not yet on the IDFPR lookup"))
            #expect(try await clinic.auditCount(.licenseException, outcome: "success") == 1)
            #expect(try await clinic.auditCount(.licenseException, outcome: "failure") == 2)
            // Nobody but an administrator reaches the compliance page or its forms.
            let ana = try await clinic.signIn("ana.lmt")
            #expect(try await clinic.tester.sendRequest(.GET, Paths.adminCompliance, headers: ana.headers).status == .notFound)
            #expect(try await self.post(clinic, ana, exception, [("endsOn", "2026-09-25"), ("reason", "I would like to treat today")]).status == .notFound)
        }
    }

    @Test func theJSONAPIKeepsLicensesAndCoursesWithFieldErrors() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let bad = try await ana.json(.POST, "/api/v1/me/licenses", #"{"kind":"XYZ","jurisdiction":"ZZ","issuedOn":"2026-01-01","expiresOn":"2025-01-01"}"#,
                                         expect: .unprocessableEntity)
            let fields = Set(((bad["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["kind", "jurisdiction", "number", "expiresOn"], "\(fields)")
            // Expiring in 40 days with the Washington rule's CE done: expiring soon, CE complete.
            let saved = try await ana.json(.POST, "/api/v1/me/licenses",
                                           #"{"kind":"LMT","jurisdiction":"WA","number":"MA.60000001","issuedOn":"2022-10-31","expiresOn":"2026-10-31"}"#, expect: .created)
            #expect(saved["status"] as? String == "ce-short" && (saved["rule"] as? [String: Any])?["source"] as? String == "WAC 246-830-475 (WSR 23-19-026); Washington DOH Board of Massage FAQ")
            for course in [#"{"title":"Supervised hands-on myofascial","provider":"Cascade CE","completedOn":"2026-02-01","hours":8,"categories":["hands-on"],"delivery":"live"}"#,
                           #"{"title":"Ethics and roles","provider":"Cascade CE","completedOn":"2026-02-02","hours":4,"categories":["ethics"],"delivery":"online"}"#,
                           #"{"title":"Health equity","provider":"Cascade CE","completedOn":"2026-02-03","hours":2,"categories":["health-equity"],"delivery":"online"}"#,
                           #"{"title":"Pain science","provider":"Cascade CE","completedOn":"2026-02-04","hours":10,"delivery":"online"}"#] {
                _ = try await ana.json(.POST, "/api/v1/me/ce-courses", course, expect: .created)
            }
            let tooMany = try await ana.json(.POST, "/api/v1/me/ce-courses", #"{"title":"A","provider":"B","completedOn":"2026-02-04","hours":150,"categories":["nap"]}"#,
                                             expect: .unprocessableEntity)
            #expect(Set(((tooMany["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }) == ["hours", "categories"])
            let mine = try await ana.json(.GET, "/api/v1/me/credentials", expect: .ok)
            let license = ((mine["licenses"] as? [[String: Any]]) ?? []).first
            #expect(license?["status"] as? String == "expiring-soon" && license?["countedHours"] as? Double == 24, "\(String(describing: license))")
            #expect((mine["courses"] as? [Any])?.count == 4 && mine["gate"] as? String == "not-applicable")

            let admin = try await API(clinic, "admin")
            let all = ((try await admin.json(.GET, "/api/v1/compliance", expect: .ok))["items"] as? [[String: Any]]) ?? []
            #expect(Set(all.compactMap { $0["name"] as? String }) == ["Ana.Lmt", "Ben.Lmt", "Pat.Pt", "Bea.Bh", "Max.Md"])
            _ = try await API(clinic, "fran.desk").json(.GET, "/api/v1/me/credentials", expect: .notFound)
            _ = try await ana.json(.GET, "/api/v1/compliance", expect: .notFound)
            // The front desk is not a clinician: no license is recorded for it.
            _ = try await admin.json(.POST, "/api/v1/clinicians/\(clinic.user("fran.desk").id)/licenses",
                                     #"{"kind":"LMT","jurisdiction":"WA","number":"1","issuedOn":"2022-10-31","expiresOn":"2026-10-31"}"#, expect: .notFound)
            let rules = ((try await ana.json(.GET, "/api/v1/ce-rules", expect: .ok))["items"] as? [[String: Any]]) ?? []
            #expect(Set(rules.compactMap { $0["jurisdiction"] as? String }).count == 11 && rules.allSatisfy { !(($0["source"] as? String) ?? "").isEmpty })
        }
    }

    @Test func anAdministratorEditsAnUncertainRuleAsANewVersionAndComplianceFollows() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            // Ohio: no CE on record (the reference marks it uncertain), so a license is compliant on hours.
            let saved = try await ana.json(.POST, "/api/v1/me/licenses",
                                           #"{"kind":"LMT","jurisdiction":"OH","number":"33.012345","issuedOn":"2023-01-01","expiresOn":"2027-12-31"}"#, expect: .created)
            #expect(saved["status"] as? String == "compliant")
            let admin = try await clinic.signIn("admin")
            let t = try clinic.tester
            let page = try await t.sendRequest(.GET, Paths.adminCERules, headers: admin.headers)
            #expect(page.status == .ok && page.body.string.contains("Uncertain: No board page was read"))
            let rule = [("jurisdiction", "OH"), ("credential", "LMT"), ("effectiveFrom", "2021-04-12"), ("cycleMonths", "24"), ("hoursRequired", "20"),
                        ("minimums", "ethics 2\nhands-on 10 live"), ("maximums", ""), ("liveMinimum", ""), ("onlineMaximum", ""), ("otherRequirements", ""),
                        ("source", "Ohio Adm. Code 4731-1, checked with the board"), ("uncertain", "")]
            // A quota that is not a category, and no source: named, nothing saved.
            let bad = try await self.post(clinic, admin, Paths.adminCERules, rule.map { $0.0 == "minimums" ? ($0.0, "ethic 2") : $0.0 == "source" ? ($0.0, "") : $0 })
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("for example “ethics 2”") && bad.body.string.contains("A rule needs its source"))
            #expect(try await CERuleStore(database: clinic.app.db).versions().isEmpty)
            #expect(try await self.post(clinic, admin, Paths.adminCERules, rule).status == .seeOther)
            #expect(try await self.post(clinic, admin, Paths.adminCERules, rule.map { $0.0 == "hoursRequired" ? ($0.0, "22") : $0 }).status == .seeOther)
            let versions = try await CERuleStore(database: clinic.app.db).versions()
            #expect(versions.map(\.version) == [1, 2] && versions.last?.rule.hoursRequired == 22)
            #expect(try await clinic.auditCount(.ceRuleUpdate, outcome: "success") == 2)
            let after = try await t.sendRequest(.GET, Paths.adminCERules, headers: admin.headers)
            #expect(after.body.string.contains("OH LMT from 2021-04-12: version 2 by Admin") && !after.body.string.contains("Uncertain: No board page was read"))

            // Ana's Ohio license is now short: 22 hours in total, 2 of ethics and 10 of live hands-on.
            let mine = try await ana.json(.GET, "/api/v1/me/credentials", expect: .ok)
            let standing = ((mine["licenses"] as? [[String: Any]]) ?? []).first
            #expect(standing?["status"] as? String == "ce-short")
            #expect(standing?["shortfalls"] as? [String] == ["22 hours more in total", "2 hours more of professional ethics", "10 hours more of hands-on technique, live"])
            let rules = ((try await ana.json(.GET, "/api/v1/ce-rules", expect: .ok))["items"] as? [[String: Any]]) ?? []
            #expect(rules.first { $0["jurisdiction"] as? String == "OH" }?["hoursRequired"] as? Double == 22)
            // The JSON edit, and nobody else edits.
            let json = try await API(clinic, "admin")
            _ = try await json.json(.POST, "/api/v1/ce-rules", #"{"jurisdiction":"OH","credential":"LMT","effectiveFrom":"2021-04-12","cycleMonths":24,"hoursRequired":0,"source":"Ohio Adm. Code 4731-1"}"#,
                                    expect: .created)
            _ = try await ana.json(.POST, "/api/v1/ce-rules", #"{"jurisdiction":"OH"}"#, expect: .notFound)
            #expect(try await clinic.tester.sendRequest(.GET, Paths.adminCERules, headers: (try await clinic.signIn("ana.lmt")).headers).status == .notFound)
        }
    }
}
