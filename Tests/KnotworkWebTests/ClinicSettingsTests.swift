import Foundation
import KnotworkCore
import KnotworkStore
import Testing
import Vapor
import VaporTesting
@testable import KnotworkWeb

/// The clinic's settings (issue 4: technique list, certification, plateau and re-evaluation rules) through the API and
/// the administrator's page, on a real database: each save is a version, bad input writes nothing, and the plans,
/// notes and progress of the clinic follow the settings in force.
@Suite struct ClinicSettingsTests {
    typealias API = AssessmentTests.API

    func versions(_ clinic: Clinic) async throws -> Int {
        try await ClinicSettingsStore(database: clinic.app.db).currentVersion()?.number ?? 0
    }

    @Test func theAdministratorChangesTheTechniqueListAndPlansFollowIt() async throws {
        try await withClinic { clinic in
            let admin = try await API(clinic, "admin")
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let defaults = try await ana.json(.GET, "/api/v1/clinic-settings", expect: .ok)
            #expect(defaults["version"] as? Int == 0)
            #expect(defaults["certificationRequired"] as? Bool == true)
            #expect((defaults["techniques"] as? [[String: Any]])?.count == TechniqueCatalog.standard.count)

            // Offer only myofascial release and a new technique; stretching and the rest are retired, not deleted.
            let saved = try await admin.json(.PUT, "/api/v1/clinic-settings", """
                {"techniques":[{"code":"myofascial-release","label":"Myofascial release","cpt":"97140"},{"label":"Positional release (strain-counterstrain)"}],
                 "certificationRequired":false,"plateauSessions":6}
                """, expect: .ok)
            #expect(saved["version"] as? Int == 1)
            let codes = (saved["techniques"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
            #expect(codes == ["myofascial-release", "positional-release-strain-counterstrain"])
            #expect((saved["retiredTechniques"] as? [[String: Any]])?.contains { $0["code"] as? String == "stretching" } == true)
            #expect(saved["plateauSessions"] as? Int == 6 && saved["plateauWeeks"] as? Int == 4)
            #expect(try await clinic.auditCount(.clinicSettingsUpdate, outcome: "success") == 1)

            // A plan may name the new technique, not a retired one; certification is no longer asked for.
            let plan = CareAPITests.plan.replacingOccurrences(of: "myofascial-release", with: "positional-release-strain-counterstrain")
            let created = try await ana.json(.POST, "/api/v1/patients/\(p.id.uuidString)/plans", plan, expect: .created)
            #expect(created["needsCertification"] as? Bool == false)
            let retired = CareAPITests.plan.replacingOccurrences(of: "myofascial-release", with: "stretching")
            let refused = try await ana.json(.POST, "/api/v1/patients/\(p.id.uuidString)/plans", retired, expect: .unprocessableEntity)
            #expect(((refused["errors"] as? [[String: Any]]) ?? []).contains { ($0["field"] as? String)?.hasPrefix("techniques") == true })

            // Offering it again brings it back under its old code.
            let back = try await admin.json(.PUT, "/api/v1/clinic-settings", """
                {"techniques":[{"code":"myofascial-release","label":"Myofascial release"},{"code":"stretching","label":"Stretching"}]}
                """, expect: .ok)
            #expect((back["techniques"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["myofascial-release", "stretching"])
            #expect(back["certificationRequired"] as? Bool == false)
            #expect(try await self.versions(clinic) == 2)
        }
    }

    @Test(arguments: [
        (#"{"plateauSessions":1}"#, "plateauSessions"),
        (#"{"reEvaluationEveryDays":0}"#, "reEvaluationEveryDays"),
        (#"{"techniques":[]}"#, "techniques"),
        (#"{"techniques":[{"label":"Stretching"},{"label":"stretching"}]}"#, "techniques[1].label"),
        (#"{"techniques":[{"label":"Cupping","cpt":"9714"}]}"#, "techniques[0].cpt"),
        (#"{"techniques":[{"label":"Cupping","code":"Cupping Therapy"}]}"#, "techniques[0].code"),
        (#"{"techniques":[{"label":""}]}"#, "techniques[0].label"),
    ])
    func badSettingsAreRefusedFieldByFieldAndWriteNothing(body: String, field: String) async throws {
        try await withClinic { clinic in
            let admin = try await API(clinic, "admin")
            let problem = try await admin.json(.PUT, "/api/v1/clinic-settings", body, expect: .unprocessableEntity)
            let fields = ((problem["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
            #expect(fields.contains(field), "\(body) → \(fields)")
            #expect(try await self.versions(clinic) == 0)
            #expect(try await clinic.auditCount(.clinicSettingsUpdate, outcome: "failure") == 1)
        }
    }

    @Test func onlyTheAdministratorChangesSettings() async throws {
        try await withClinic { clinic in
            for user in ["ana.lmt", "max.md", "fran.desk"] {
                let api = try await API(clinic, user)
                _ = try await api.json(.PUT, "/api/v1/clinic-settings", #"{"plateauSessions":5}"#, expect: .notFound)
            }
            #expect(try await self.versions(clinic) == 0)
        }
    }

    /// The re-evaluation rule in force decides when the chart says a re-evaluation is due.
    @Test func theReEvaluationRuleInForceDecidesWhatIsDue() throws {
        let plan = try PlanOfCare.sampleForDue
        let sessions = (1...5).map { CalendarDate("2026-09-0\($0)")! }
        let last = CalendarDate("2026-08-31")!, today = CalendarDate("2026-09-06")!
        #expect(CareActions.due(plan, lastEvaluation: last, sessions: sessions, today: today, settings: .standard).isEmpty)
        var every5 = ClinicSettings.standard
        every5.progress.reEvaluationEveryVisits = 5
        #expect(!CareActions.due(plan, lastEvaluation: last, sessions: sessions, today: today, settings: every5).isEmpty)
    }

    /// The therapist's worklist lists the patients on their team whose re-evaluation is due, by the rule in force.
    @Test func theWorklistShowsReEvaluationsDueByTheClinicsRule() async throws {
        try await withClinic { clinic in
            let p = clinic.anaPatient!
            let today = CalendarDate(clinic.clock.now)
            _ = try await clinic.addAssessment(p, by: "ana.lmt", on: today.adding(days: -40).description)
            let draft = try await clinic.addPlan(p, by: "ana.lmt")
            var active = draft.plan
            active.status = .active
            let ana = Recorder(userID: clinic.user("ana.lmt").id, name: "Ana")
            _ = try await CareStore(database: clinic.app.db).revisePlan(draft.id, patientID: p.id, to: active, by: ana, at: clinic.clock.now)
            let t = try clinic.tester
            func worklist(_ user: String) async throws -> String {
                let session = try await clinic.signIn(user)
                let page = try await t.sendRequest(.GET, "/tasks", headers: session.headers)
                #expect(page.status == .ok)
                let html = page.body.string
                let start = try #require(html.range(of: "id=\"re-evaluations-due\"")).lowerBound
                return String(html[start...].prefix(1500))
            }
            let due = try await worklist("ana.lmt")
            #expect(due.contains(p.givenName) && due.contains("40 days since the last evaluation (every 30)"), "\(due)")
            #expect(!(try await worklist("ben.lmt")).contains(p.givenName))
            let admin = try await API(clinic, "admin")
            _ = try await admin.json(.PUT, "/api/v1/clinic-settings", #"{"reEvaluationEveryDays":60}"#, expect: .ok)
            #expect(!(try await worklist("ana.lmt")).contains(p.givenName))
        }
    }

    @Test func theSettingsPageSavesAVersionAndShowsFieldErrors() async throws {
        try await withClinic { clinic in
            let admin = try await clinic.signIn("admin")
            let t = try clinic.tester
            let page = try await t.sendRequest(.GET, "/admin/clinic", headers: admin.headers)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("techniques-table"))
            let rows = TechniqueCatalog.standard.count
            var fields: [(String, String)] = [("plateauSessions", "4"), ("plateauWeeks", "4"), ("reEvaluationEveryVisits", "10"),
                                              ("reEvaluationEveryDays", "30"), ("certificationRequired", "1")]
            for (i, t) in TechniqueCatalog.standard.enumerated() {
                fields += [("techniques[\(i)][offered]", "1"), ("techniques[\(i)][code]", t.code), ("techniques[\(i)][label]", t.label)]
            }
            // A bad CPT on the new row is named on that row, and nothing is saved.
            let (bh, bb) = admin.form(fields + [("techniques[\(rows)][label]", "Cupping"), ("techniques[\(rows)][cpt]", "12")])
            let bad = try await t.sendRequest(.POST, "/admin/clinic", headers: bh, body: bb)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("A CPT code is five digits"))
            #expect(try await self.versions(clinic) == 0)
            let (gh, gb) = admin.form(fields + [("techniques[\(rows)][label]", "Cupping")])
            let good = try await t.sendRequest(.POST, "/admin/clinic", headers: gh, body: gb)
            #expect(good.status == .seeOther && good.headers.first(name: .location) == "/admin/clinic?saved=1")
            #expect(try await ClinicSettingsStore(database: clinic.app.db).current().techniques.last?.code == "cupping")
            let shown = try await t.sendRequest(.GET, "/admin/clinic?saved=1", headers: admin.headers)
            #expect(shown.body.string.contains("Saved: version 1 is in force."))
        }
    }
}

extension PlanOfCare {
    /// An open plan for the due-date rule (its content does not matter to the rule beyond its status and end).
    static var sampleForDue: PlanOfCare {
        get throws {
            try PlanOfCareInput(problems: [ProblemInput(icd10: "M54.2")],
                                goals: [GoalInput(description: "Less pain", measure: GoalMeasureInput(kind: "instrument", code: "PEG"),
                                                  baseline: 6, target: 3, targetDate: "2026-12-01")],
                                techniques: [PlannedTechniqueInput(technique: "stretching", regions: ["neck-back.left"])],
                                frequencyPerWeek: 1, durationWeeks: 12, start: "2026-08-31", reEvaluationDate: "2026-09-28",
                                endGoal: "Drive without neck pain.", dischargeCriteria: "PEG 3 or less.")
                .validated(today: CalendarDate("2026-08-31")!, birthDate: CalendarDate("1980-01-01")!, techniques: TechniqueCatalog.standard)
        }
    }
}
