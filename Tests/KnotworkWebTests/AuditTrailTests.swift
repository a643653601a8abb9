import Foundation
import KnotworkCore
import KnotworkStore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import KnotworkWeb

/// ONC 170.315(d)(2)/(d)(3): every read and write audited in the same transaction, hash-chained,
/// tamper-evident, reportable.
@Suite struct AuditTrailTests {
    @Test func aPatientReadWritesExactlyOneCompleteRow() async throws {
        try await withClinic { clinic in
            let token = try await clinic.token("ana.lmt")
            let t = try clinic.tester
            _ = try await t.sendRequest(.GET, "/api/v1/me", headers: clinic.bearer(token))   // token use, once a minute
            let before = try await clinic.auditCount()
            let res = try await t.sendRequest(.GET, "/api/v1/patients/\(clinic.anaPatient.id)", headers: ["Authorization": "Bearer \(token)", "X-Request-ID": "req-12345678"])
            #expect(res.status == .ok)
            #expect(try await clinic.auditCount() == before + 1)
            let row = try await clinic.lastAudit()
            #expect(row.action == "patient.read")
            #expect(row.username == "ana.lmt")
            #expect(row.role == "massage_therapist")
            #expect(row.userID == clinic.user("ana.lmt").id.uuidString.lowercased())
            #expect(row.patientID == clinic.anaPatient.id.uuidString.lowercased())
            #expect(row.outcome == "success")
            #expect(row.requestID == "req-12345678")
            #expect(row.detail.hasPrefix("token:"))
            #expect(row.occurredAt.hasSuffix("Z"))
        }
    }

    @Test func aFailedWriteIsRolledBackAndAuditedAsAFailure() async throws {
        try await withClinic { clinic in
            let token = try await clinic.token("fran.desk")
            var headers = clinic.bearer(token)
            headers.contentType = .json
            let before = try await clinic.patientCount()
            let res = try await clinic.tester.sendRequest(.POST, "/api/v1/patients", headers: headers,
                                                          body: ByteBuffer(string: #"{"givenName":"Only"}"#))
            #expect(res.status == .unprocessableEntity)
            #expect(try await clinic.patientCount() == before)
            let row = try await clinic.lastAudit()
            #expect(row.action == "patient.create")
            #expect(row.outcome == "failure")
        }
    }

    @Test func theDatabaseRefusesUpdatesAndDeletesOfAuditRows() async throws {
        try await withClinic { clinic in
            let sql = clinic.app.db as! any SQLDatabase
            #expect(try await clinic.auditCount() == 0)
            try await AuditTrail(database: clinic.app.db, now: { Date() }).record(.commandLine("test"), AuditEntry(.auditVerify))
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE audit_events SET username = 'mallory'").run() }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM audit_events").run() }
            #expect(try await clinic.auditCount() == 1)
        }
    }

    /// Disables the append-only guard the way someone with direct database access could.
    func dropGuard(_ clinic: Clinic) async throws {
        let sql = clinic.app.db as! any SQLDatabase
        if sql.dialect.name == "postgresql" {
            try await sql.raw("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only").run()
        } else {
            try await sql.raw("DROP TRIGGER audit_events_no_update").run()
            try await sql.raw("DROP TRIGGER audit_events_no_delete").run()
        }
    }

    func makeTrail(_ clinic: Clinic, rows: Int) async throws {
        let trail = AuditTrail(database: clinic.app.db, now: { Date() })
        for i in 0..<rows { try await trail.record(.commandLine("test"), AuditEntry(.patientRead, entity: "row \(i)")) }
    }

    @Test func verifyNamesAnEditedRow() async throws {
        try await withClinic(seed: false) { clinic in
            try await self.makeTrail(clinic, rows: 10)
            let intact = try await AuditReport(database: clinic.app.db).verify()
            #expect(intact.isIntact && intact.rowsChecked == 10)
            try await self.dropGuard(clinic)
            try await (clinic.app.db as! any SQLDatabase).raw("UPDATE audit_events SET username = 'mallory' WHERE seq = 4").run()
            let result = try await AuditReport(database: clinic.app.db).verify()
            #expect(result.firstBroken?.seq == 4)
            #expect(result.firstBroken?.reason.contains("changed") == true)
        }
    }

    @Test func verifyNamesADeletedRow() async throws {
        try await withClinic(seed: false) { clinic in
            try await self.makeTrail(clinic, rows: 10)
            try await self.dropGuard(clinic)
            try await (clinic.app.db as! any SQLDatabase).raw("DELETE FROM audit_events WHERE seq = 6").run()
            let result = try await AuditReport(database: clinic.app.db).verify()
            #expect(result.firstBroken?.seq == 6)
            #expect(result.firstBroken?.reason.contains("deleted") == true)
        }
    }

    @Test func verifyNamesTheTailWhenTheLastRowsAreDeleted() async throws {
        try await withClinic(seed: false) { clinic in
            try await self.makeTrail(clinic, rows: 5)
            try await self.dropGuard(clinic)
            try await (clinic.app.db as! any SQLDatabase).raw("DELETE FROM audit_events WHERE seq >= 4").run()
            let result = try await AuditReport(database: clinic.app.db).verify()
            #expect(result.firstBroken?.seq == 4)
        }
    }

    @Test func verifyNamesARowInsertedOutsideKnotwork() async throws {
        try await withClinic(seed: false) { clinic in
            try await self.makeTrail(clinic, rows: 5)
            let sql = clinic.app.db as! any SQLDatabase
            let last = try await sql.raw("SELECT hash FROM audit_events WHERE seq = 5").first()!.decode(column: "hash", as: String.self)
            try await sql.raw("""
                INSERT INTO audit_events (seq, occurred_at, user_id, username, role, action, patient_id, entity, outcome,
                client_address, request_id, detail, prev_hash, hash) VALUES (6, '2026-01-01T00:00:00.000Z', NULL, 'mallory', 'admin',
                'patient.read', NULL, 'x', 'success', 'x', 'x', '', \(bind: last), \(bind: String(repeating: "a", count: 64)))
                """).run()
            let result = try await AuditReport(database: clinic.app.db).verify()
            #expect(result.firstBroken?.seq == 6)
        }
    }

    @Test func verifyCommandAndAdminPageReportTheBreak() async throws {
        try await withClinic { clinic in
            let t = try clinic.tester
            let admin = try await clinic.signIn("admin")
            #expect(try await t.sendRequest(.GET, "/admin/audit/verify", headers: admin.headers).body.string.contains("intact"))
            try await self.dropGuard(clinic)
            try await (clinic.app.db as! any SQLDatabase).raw("UPDATE audit_events SET detail = 'edited' WHERE seq = 1").run()
            let page = try await t.sendRequest(.GET, "/admin/audit/verify", headers: admin.headers).body.string
            #expect(page.contains("First broken link: row 1."))
            let token = try await clinic.token("admin")
            let api = try await t.sendRequest(.GET, "/api/v1/audit-events/verify", headers: clinic.bearer(token))
            #expect(api.body.string.contains("\"intact\":false"))
            #expect(api.body.string.contains("\"firstBrokenSeq\":1"))
        }
    }

    @Test func reportFiltersSortsAndExportsCSV() async throws {
        try await withClinic { clinic in
            let t = try clinic.tester
            let ana = try await clinic.token("ana.lmt")
            for _ in 0..<3 { _ = try await t.sendRequest(.GET, "/api/v1/patients/\(clinic.anaPatient.id)", headers: clinic.bearer(ana)) }
            let admin = try await clinic.signIn("admin")
            let filtered = try await t.sendRequest(.GET, "/admin/audit?user=ana.lmt&action=patient.read&sort=user&dir=asc", headers: admin.headers)
            #expect(filtered.status == .ok)
            #expect(filtered.body.string.contains("3 events"))
            let byPatient = try await t.sendRequest(.GET, "/admin/audit?patient=\(clinic.anaPatient.recordNumber)&action=patient.read", headers: admin.headers)
            #expect(byPatient.body.string.contains("3 events"))
            for column in AuditQuery.SortColumn.allCases {
                for dir in ["asc", "desc"] {
                    #expect(try await t.sendRequest(.GET, "/admin/audit?sort=\(column.rawValue)&dir=\(dir)", headers: admin.headers).status == .ok)
                }
            }
            let csv = try await t.sendRequest(.GET, "/admin/audit.csv?user=ana.lmt&action=patient.read", headers: admin.headers)
            #expect(csv.headers.contentType?.subType == "csv")
            let lines = csv.body.string.split(separator: "\r\n")
            #expect(lines.count == 4)
            #expect(lines[0].hasPrefix("seq,occurred_at,user_id"))
            #expect(try await t.sendRequest(.GET, "/admin/audit?from=2026-13-01", headers: admin.headers).status == .unprocessableEntity)
            #expect(try await clinic.auditCount(.auditExport) == 1)
        }
    }

    @Test func concurrentWritersKeepOneUnbrokenChain() async throws {
        try await withClinic { clinic in
            let token = try await clinic.token("ana.lmt")
            let t = try clinic.tester
            let id = clinic.anaPatient.id
            try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<40 {
                    group.addTask { try await t.sendRequest(.GET, "/api/v1/patients/\(id)", headers: ["Authorization": "Bearer \(token)"]).status }
                }
                for try await status in group { #expect(status == .ok) }
            }
            let result = try await AuditReport(database: clinic.app.db).verify()
            #expect(result.isIntact)
            #expect(result.rowsChecked >= 40)
        }
    }
}
