import Foundation
import KnotworkCore
import KnotworkStore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import KnotworkWeb

@Suite struct PatientTests {
    func json(_ clinic: Clinic, _ user: String) async throws -> HTTPHeaders {
        var h = clinic.bearer(try await clinic.token(user))
        h.contentType = .json
        return h
    }

    @Test func createAssignsARecordNumberAndAddsTheTherapistToTheTeam() async throws {
        try await withClinic { clinic in
            let h = try await self.json(clinic, "ana.lmt")
            let res = try await clinic.tester.sendRequest(.POST, "/api/v1/patients", headers: h, body: ByteBuffer(string: """
                {"givenName":"Ιωάννα","familyName":"Παππά","dateOfBirth":"1991-07-14","sex":"female","phone":"+1 555 010 3333"}
                """))
            #expect(res.status == .created)
            let body = try res.content.decode(API.PatientResponse.self)
            #expect(body.recordNumber == "KW-000003")
            #expect(res.headers.first(name: .location) == "/api/v1/patients/\(body.id.uuidString)")
            let team = try await PatientStore(database: clinic.app.db).careTeam(body.id)
            #expect(team.map(\.user.username) == ["ana.lmt"])
            #expect(team.first?.isPrimary == true)
            #expect(try await clinic.lastAudit().patientID == body.id.uuidString.lowercased())
        }
    }

    @Test func aLikelyDuplicateIsShownBeforeASecondRecordIsCreated() async throws {
        try await withClinic { clinic in
            let t = try clinic.tester
            let h = try await self.json(clinic, "fran.desk")
            let dup = #"{"givenName":"amara","familyName":"ABERNATHY","dateOfBirth":"1980-04-02","sex":"female"}"#
            let res = try await t.sendRequest(.POST, "/api/v1/patients", headers: h, body: ByteBuffer(string: dup))
            #expect(res.status == .conflict)
            #expect(res.body.string.contains(clinic.anaPatient.recordNumber))
            let confirmed = dup.replacingOccurrences(of: "}", with: #","confirmDuplicate":true}"#)
            #expect(try await t.sendRequest(.POST, "/api/v1/patients", headers: h, body: ByteBuffer(string: confirmed)).status == .created)
            // In the browser: the warning, then a checkbox to confirm.
            let s = try await clinic.signIn("fran.desk")
            let (fh, fb) = s.form([("givenName", "Bruno"), ("familyName", "Brightwater"), ("dateOfBirth", "1975-09-30"), ("sex", "male")])
            let page = try await t.sendRequest(.POST, "/patients", headers: fh, body: fb)
            #expect(page.status == .unprocessableEntity)
            #expect(page.body.string.contains("id=\"duplicate-warning\""))
            #expect(page.body.string.contains("name=\"confirmDuplicate\""))
        }
    }

    @Test func searchIsCaseAndAccentInsensitivePartialAndScopedToTheTeam() async throws {
        try await withClinic { clinic in
            _ = try await clinic.addPatient(given: "Zoë", family: "Ångström", dob: "1966-03-03", phone: "(555) 777-1234", team: [("ana.lmt", true)])
            _ = try await clinic.addPatient(given: "Renée", family: "O'Rourke", dob: "1959-12-01", team: [("ana.lmt", true)])
            let ana = try await clinic.token("ana.lmt")
            let t = try clinic.tester
            func names(_ query: String, _ token: String) async throws -> [String] {
                let res = try await t.sendRequest(.GET, "/api/v1/patients?" + query, headers: clinic.bearer(token))
                #expect(res.status == .ok, "\(query): \(res.status)")
                return try res.content.decode(API.PatientListResponse.self).items.map(\.familyName)
            }
            #expect(try await names("q=ANGST", ana) == ["Ångström"])
            #expect(try await names("q=zo%C3%AB", ana) == ["Ångström"])
            #expect(try await names("q=zoe%20ang", ana) == ["Ångström"])
            #expect(try await names("q=orour", ana) == ["O'Rourke"])
            #expect(try await names("q=o%27rou", ana) == ["O'Rourke"])
            #expect(try await names("q=ren", ana) == ["O'Rourke"])
            #expect(try await names("dob=1966-03-03", ana) == ["Ångström"])
            #expect(try await names("phone=7771234", ana) == ["Ångström"])
            #expect(try await names("record=\(clinic.anaPatient.recordNumber.lowercased())", ana) == ["Abernathy"])
            #expect(try await names("q=bright", ana) == [])       // ben's patient
            let desk = try await clinic.token("fran.desk")
            #expect(try await names("q=bright", desk) == ["Brightwater"])
            // SQL and LIKE metacharacters are data, not syntax.
            #expect(try await names("q=%25", ana) == [])
            #expect(try await names("q=x%27%20OR%201%3D1%20--", ana) == [])
            #expect(try await names("q=_", ana) == [])
        }
    }

    @Test func listIsPaginated() async throws {
        try await withClinic { clinic in
            for i in 0..<7 { _ = try await clinic.addPatient(given: "Page", family: "Tester\(i)", dob: "1990-01-0\(i + 1)", team: [("ana.lmt", true)]) }
            let token = try await clinic.token("ana.lmt")
            let t = try clinic.tester
            let p1 = try await t.sendRequest(.GET, "/api/v1/patients?q=tester&perPage=3", headers: clinic.bearer(token)).content.decode(API.PatientListResponse.self)
            let p3 = try await t.sendRequest(.GET, "/api/v1/patients?q=tester&perPage=3&page=3", headers: clinic.bearer(token)).content.decode(API.PatientListResponse.self)
            #expect(p1.total == 7)
            #expect(p1.items.map(\.familyName) == ["Tester0", "Tester1", "Tester2"])
            #expect(p3.items.map(\.familyName) == ["Tester6"])
            let s = try await clinic.signIn("ana.lmt")
            let html = try await t.sendRequest(.GET, "/patients?q=tester", headers: s.headers).body.string
            #expect(html.contains("id=\"patient-results\""))
        }
    }

    @Test func largeResultCountsStopAtTheCap() async throws {
        try await withClinic { clinic in
            let input = PatientInput(givenName: "Many", familyName: "Matches", dateOfBirth: "1980-01-01", sex: "male")
            let d = try input.validate(today: CalendarDate(year: 2026, month: 1, day: 1)!)
            let team = [CareTeamMember(user: clinic.user("ana.lmt"), isPrimary: true)]
            let now = clinic.clock.now
            try await clinic.app.db.transaction { tx in
                try await PatientStore(database: tx).bulkCreate(Array(repeating: (d, team), count: PatientStore.countLimit + 5), now: now)
            }
            let token = try await clinic.token("ana.lmt")
            let first = try await clinic.tester.sendRequest(.GET, "/api/v1/patients?q=matches&perPage=100", headers: clinic.bearer(token))
                .content.decode(API.PatientListResponse.self)
            #expect(first.total == PatientStore.countLimit)
            #expect(!first.totalIsExact)
            #expect(first.items.count == 100)
            let last = try await clinic.tester.sendRequest(.GET, "/api/v1/patients?q=matches&perPage=100&page=2", headers: clinic.bearer(token))
                .content.decode(API.PatientListResponse.self)
            #expect(last.items.count == 5)
            #expect(!last.totalIsExact)
            let exact = try await clinic.tester.sendRequest(.GET, "/api/v1/patients?q=abernathy", headers: clinic.bearer(token))
                .content.decode(API.PatientListResponse.self)
            #expect(exact.total == 1 && exact.totalIsExact)
        }
    }

    @Test func deactivateNeverDeletes() async throws {
        try await withClinic { clinic in
            let t = try clinic.tester
            let h = try await self.json(clinic, "fran.desk")
            let id = clinic.anaPatient.id
            #expect(try await t.sendRequest(.POST, "/api/v1/patients/\(id)/deactivate", headers: h).status == .ok)
            let list = try await t.sendRequest(.GET, "/api/v1/patients?q=abernathy", headers: h).content.decode(API.PatientListResponse.self)
            #expect(list.total == 0)
            let all = try await t.sendRequest(.GET, "/api/v1/patients?q=abernathy&includeInactive=true", headers: h).content.decode(API.PatientListResponse.self)
            #expect(all.items.first?.active == false)
            #expect(try await t.sendRequest(.DELETE, "/api/v1/patients/\(id)", headers: h).status == .notFound)
            #expect(try await clinic.patientCount() == 2)
            #expect(try await t.sendRequest(.POST, "/api/v1/patients/\(id)/reactivate", headers: h).status == .ok)
            // A therapist cannot deactivate.
            let ana = try await self.json(clinic, "ana.lmt")
            #expect(try await t.sendRequest(.POST, "/api/v1/patients/\(id)/deactivate", headers: ana).status == .notFound)
        }
    }

    @Test func updateChangesOnlyTheNamedFieldsAndValidates() async throws {
        try await withClinic { clinic in
            let t = try clinic.tester
            let h = try await self.json(clinic, "ana.lmt")
            let path = "/api/v1/patients/\(clinic.anaPatient.id)"
            let ok = try await t.sendRequest(.PATCH, path, headers: h, body: ByteBuffer(string: #"{"phone":"555-010-9999"}"#))
            #expect(ok.status == .ok)
            let body = try ok.content.decode(API.PatientResponse.self)
            #expect(body.phone == "555-010-9999")
            #expect(body.familyName == "Abernathy")
            let bad = try await t.sendRequest(.PATCH, path, headers: h, body: ByteBuffer(string: #"{"dateOfBirth":"2999-01-01","email":"x"}"#))
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("\"field\":\"dateOfBirth\""))
            #expect(bad.body.string.contains("\"field\":\"email\""))
            #expect(try await PatientStore(database: clinic.app.db).get(clinic.anaPatient.id)?.dateOfBirth.description == "1980-04-02")
        }
    }

    @Test func careTeamReplacementIsValidatedAndAudited() async throws {
        try await withClinic { clinic in
            let t = try clinic.tester
            let h = try await self.json(clinic, "fran.desk")
            let path = "/api/v1/patients/\(clinic.benPatient.id)/care-team"
            let ben = clinic.user("ben.lmt").id, ana = clinic.user("ana.lmt").id, desk = clinic.user("fran.desk").id
            let invalid = try await t.sendRequest(.PUT, path, headers: h, body: ByteBuffer(string: #"{"members":[{"userId":"\#(desk)","primary":true}]}"#))
            #expect(invalid.status == .unprocessableEntity)
            let ok = try await t.sendRequest(.PUT, path, headers: h, body: ByteBuffer(string: #"{"members":[{"userId":"\#(ben)","primary":false},{"userId":"\#(ana)","primary":true}]}"#))
            #expect(ok.status == .ok)
            #expect(try await clinic.lastAudit().action == AuditAction.careTeamUpdate.rawValue)
            // Ana now sees Bruno.
            let anaToken = try await clinic.token("ana.lmt")
            #expect(try await t.sendRequest(.GET, "/api/v1/patients/\(clinic.benPatient.id)", headers: clinic.bearer(anaToken)).status == .ok)
        }
    }

    @Test func namesWithMarkupRenderEscapedInTextAndAttributes() async throws {
        try await withClinic { clinic in
            let evil = #"Zoë "Z" <b>x</b> & 'q'"#
            let p = try await clinic.addPatient(given: evil, family: "<script>alert(1)</script>", dob: "1970-01-01", team: [("ana.lmt", true)])
            let t = try clinic.tester
            let s = try await clinic.signIn("ana.lmt")
            let chart = try await t.sendRequest(.GET, "/patients/\(p.id)", headers: s.headers).body.string
            #expect(!chart.contains("<script>alert(1)"))
            #expect(!chart.contains("<b>x</b>"))
            #expect(chart.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            let edit = try await t.sendRequest(.GET, "/patients/\(p.id)/edit", headers: s.headers).body.string
            #expect(edit.contains(#"value="Zoë &quot;Z&quot; &lt;b&gt;x&lt;/b&gt; &amp; &#39;q&#39;""#))
            let search = try await t.sendRequest(.GET, "/patients?q=%22%3E%3Cscript%3E", headers: s.headers).body.string
            #expect(search.contains(#"value="&quot;&gt;&lt;script&gt;""#))
            #expect(!search.contains("\"><script>"))
        }
    }
}

@Suite struct BadInputTests {
    @Test func malformedWrongTypedOversizedAndUnknownInputGetsProblemDetailsAndWritesNothing() async throws {
        try await withClinic { clinic in
            let t = try clinic.tester
            var h = clinic.bearer(try await clinic.token("fran.desk"))
            h.contentType = .json
            let before = try await clinic.patientCount()
            let auditBefore = try await clinic.auditCount(.patientCreate)

            let malformed = try await t.sendRequest(.POST, "/api/v1/patients", headers: h, body: ByteBuffer(string: #"{"givenName": "#))
            #expect(malformed.status == .badRequest)
            #expect(malformed.headers.contentType?.subType == "problem+json")

            let wrongType = try await t.sendRequest(.POST, "/api/v1/patients", headers: h, body: ByteBuffer(string: #"{"givenName": 42}"#))
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.body.string.contains("\"field\":\"givenName\""))

            let huge = String(repeating: "a", count: 70_000)
            let oversized = try await t.sendRequest(.POST, "/api/v1/patients", headers: h, body: ByteBuffer(string: #"{"givenName":"\#(huge)"}"#))
            #expect(oversized.status == .payloadTooLarge)

            let long = try await t.sendRequest(.POST, "/api/v1/patients", headers: h, body: ByteBuffer(string:
                #"{"givenName":"\#(String(repeating: "名", count: 150))","familyName":"X","dateOfBirth":"1980-01-01","sex":"male"}"#))
            #expect(long.status == .unprocessableEntity)

            var textHeaders = h
            textHeaders.contentType = .plainText
            #expect(try await t.sendRequest(.POST, "/api/v1/patients", headers: textHeaders, body: ByteBuffer(string: "hi")).status == .unsupportedMediaType)

            #expect(try await t.sendRequest(.GET, "/api/v1/patients/not-a-uuid", headers: h).status == .notFound)
            #expect(try await t.sendRequest(.GET, "/api/v1/patients/\(UUID())", headers: h).status == .notFound)
            #expect(try await t.sendRequest(.GET, "/api/v1/no-such-thing", headers: h).status == .notFound)
            #expect(try await t.sendRequest(.GET, "/api/v1/patients?page=abc", headers: h).status == .unprocessableEntity)

            // NUL characters (PostgreSQL refuses them in text) are field errors, not 500s.
            let nulBody = try await t.sendRequest(.POST, "/api/v1/patients", headers: h, body: ByteBuffer(string: #"{"givenName":"a\u0000b"}"#))
            #expect(nulBody.status == .unprocessableEntity)
            #expect(try await t.sendRequest(.GET, "/api/v1/patients?q=ab%00c", headers: h).status == .unprocessableEntity)
            let empty = try await t.sendRequest(.POST, "/api/v1/patients", headers: h)
            #expect(empty.status == .badRequest)
            #expect(empty.body.string.contains("\"field\":\"body\""))
            var upper = h
            upper.replaceOrAdd(name: .contentType, value: "APPLICATION/JSON")
            #expect(try await t.sendRequest(.POST, "/api/v1/patients", headers: upper, body: ByteBuffer(string: "{}")).status == .unprocessableEntity)

            #expect(try await clinic.patientCount() == before)
            // Decoding failures never reach the action; validation failures are audited.
            #expect(try await clinic.auditCount(.patientCreate) == auditBefore + 2)
        }
    }

    @Test func formErrorsAreFieldLevel() async throws {
        try await withClinic { clinic in
            let s = try await clinic.signIn("fran.desk")
            let (h, b) = s.form([("givenName", ""), ("familyName", "Lone"), ("dateOfBirth", "2999-01-01"), ("sex", "")])
            let page = try await clinic.tester.sendRequest(.POST, "/patients", headers: h, body: b)
            #expect(page.status == .unprocessableEntity)
            let html = page.body.string
            #expect(html.contains(#"id="givenName-error""#))
            #expect(html.contains("Date of birth cannot be in the future."))
            #expect(html.contains(#"aria-invalid="true""#))
            #expect(html.contains(#"value="Lone""#))   // what was typed is kept
        }
    }
}
