import Fluent
import Foundation
import KnotworkCore
import SQLKit

/// A precaution that is in force for a patient.
public struct ActivePrecaution: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var precaution: Precaution
    public var since: Date
}

/// Treatment is on hold until the medical provider clears it or a clinician overrides it.
public struct TreatmentHold: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var reason: String
    public var urgent: Bool
    public var since: Date
}

/// What the top of every chart page shows, and what a session must acknowledge before it starts.
public struct SafetyStatus: Sendable, Equatable {
    public var precautions: [ActivePrecaution]
    public var hold: TreatmentHold?

    public static let clear = SafetyStatus(precautions: [], hold: nil)
}

/// A task for a care-team member: one a team member set (with a due date), or the medical provider's safety referral
/// that the safety screen creates.
public struct CareTask: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var patientID: UUID
    public var assigneeID: UUID?
    public var kind: String
    public var title: String
    public var detail: String
    public var urgent: Bool
    public var holdID: UUID?
    public var createdAt: Date
    public var completedAt: Date?
    public var dueOn: CalendarDate?
    public var createdByName: String?
    /// The note or report the task is about.
    public var noteID: UUID?

    /// Open past its due date.
    public func isOverdue(on today: CalendarDate) -> Bool {
        self.completedAt == nil && self.dueOn.map { $0 < today } == true
    }
}

/// What one screen changed.
public struct ScreenOutcome: Sendable, Equatable {
    public var entryID: UUID
    public var newPrecautions: Int
    public var holdID: UUID?
    public var taskID: UUID?
    /// The medical provider the referral went to; nil when the care team has none.
    public var providerID: UUID?
}

public enum SafetyStoreError: Error, Equatable {
    case noActiveHold
    case notFound
    case notTheProvider
}

public struct SafetyStore: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    // MARK: rules

    /// The newest version of every rule, in seed order of first appearance.
    public func currentRules() async throws -> [SafetyRule] {
        let rows = try await SafetyRuleModel.query(on: self.database).sort(\.$createdAt).sort(\.$version).all()
        var latest: [String: SafetyRule] = [:]
        var order: [String] = []
        for row in rows {
            let rule = try StoredJSON.decode(SafetyRule.self, row.body)
            if latest[row.key] == nil { order.append(row.key) }
            if (latest[row.key]?.version ?? 0) < rule.version { latest[row.key] = rule }
        }
        return order.compactMap { latest[$0] }
    }

    public struct RuleVersion: Sendable, Equatable {
        public var rule: SafetyRule
        public var createdAt: Date
        public var createdBy: String
    }

    /// Every version of one rule, newest first.
    public func versions(of key: String) async throws -> [RuleVersion] {
        try await SafetyRuleModel.query(on: self.database).filter(\.$key == key).sort(\.$version, .descending).all()
            .map { RuleVersion(rule: try StoredJSON.decode(SafetyRule.self, $0.body), createdAt: $0.createdAt, createdBy: $0.createdBy) }
    }

    /// The next version number of a rule (1 for a new key). Call inside the saving transaction.
    public func nextVersion(of key: String) async throws -> Int {
        let max = try await SafetyRuleModel.query(on: self.database).filter(\.$key == key).max(\.$version)
        return (max ?? 0) + 1
    }

    /// Adds a version; earlier versions stay so that old answers keep the wording they were given under.
    public func save(_ rule: SafetyRule, by username: String, at now: Date) async throws {
        let row = SafetyRuleModel()
        row.id = UUID()
        row.key = rule.key
        row.version = rule.version
        row.body = try StoredJSON.encode(rule)
        row.createdAt = now
        row.createdBy = username
        try await row.create(on: self.database)
    }

    // MARK: a patient's safety status

    /// Plain rows: every chart page reads the status, and Fluent's per-model reflection cost more than the queries.
    public func status(of patientID: UUID) async throws -> SafetyStatus {
        let precautions = try await self.database.sql.select().columns("id", "body", "created_at").from(PrecautionModel.schema)
            .where("patient_id", .equal, patientID).where("resolved_at", .is, SQLLiteral.null).orderBy("created_at").all()
            .map { ActivePrecaution(id: try $0.decode(column: "id", as: UUID.self),
                                    precaution: try StoredJSON.decode(Precaution.self, try $0.decode(column: "body", as: String.self)),
                                    since: try $0.decode(column: "created_at", as: Date.self)) }
        let hold = try await self.database.sql.select().columns("id", "reason", "urgent", "created_at").from(TreatmentHoldModel.schema)
            .where("patient_id", .equal, patientID).where("cleared_at", .is, SQLLiteral.null).orderBy("created_at").limit(1).first()
            .map { TreatmentHold(id: try $0.decode(column: "id", as: UUID.self), reason: try $0.decode(column: "reason", as: String.self),
                                 urgent: try $0.decode(column: "urgent", as: Bool.self), since: try $0.decode(column: "created_at", as: Date.self)) }
        return SafetyStatus(precautions: precautions, hold: hold)
    }

    /// The ids of the patient's active precautions and hold, in one query: a signature checks in its transaction that
    /// the safety status its note was validated against still stands.
    public func standing(of patientID: UUID) async throws -> Set<UUID> {
        let rows = try await self.database.sql.raw("""
            SELECT id FROM \(ident: PrecautionModel.schema) WHERE patient_id = \(bind: patientID) AND resolved_at IS NULL
            UNION ALL
            SELECT id FROM \(ident: TreatmentHoldModel.schema) WHERE patient_id = \(bind: patientID) AND cleared_at IS NULL
            """).all()
        return Set(try rows.map { try $0.decode(column: "id", as: UUID.self) })
    }

    /// Records a screen: the answers as a finding, each new precaution (one already in force for the same
    /// rule and region is not repeated), and for a stop-and-refer answer a hold and a task for the medical
    /// provider on the care team. Call inside one transaction.
    public func record(_ result: ScreenResult, patientID: UUID, assessmentID: UUID?, recordedOn: CalendarDate,
                       by recorder: Recorder, at now: Date) async throws -> ScreenOutcome {
        let entry = try await AssessmentStore(database: self.database)
            .add(.screen, result, patientID: patientID, assessmentID: assessmentID, recordedOn: recordedOn, by: recorder, at: now)
        let current = try await self.status(of: patientID)
        let inForce = Set(current.precautions.map { "\($0.precaution.ruleKey)|\($0.precaution.region?.code ?? "")" })
        var added = 0
        for precaution in result.precautions where !inForce.contains("\(precaution.ruleKey)|\(precaution.region?.code ?? "")") {
            let row = PrecautionModel()
            row.id = UUID()
            row.patientID = patientID
            row.entryID = entry.id
            row.body = try StoredJSON.encode(precaution)
            row.createdAt = now
            row.createdBy = recorder.userID
            try await row.create(on: self.database)
            added += 1
        }
        var outcome = ScreenOutcome(entryID: entry.id, newPrecautions: added, holdID: current.hold?.id, taskID: nil, providerID: nil)
        let referrals = result.precautions.filter { $0.action == .stopRefer }
        guard !referrals.isEmpty else { return outcome }

        let urgent = referrals.contains(where: \.urgent)
        let reason = referrals.map(\.title).joined(separator: "; ")
        let holdID: UUID
        if let existing = current.hold {
            holdID = existing.id
        } else {
            let hold = TreatmentHoldModel()
            hold.id = UUID()
            hold.patientID = patientID
            hold.reason = reason
            hold.urgent = urgent
            hold.createdAt = now
            hold.createdBy = recorder.userID
            try await hold.create(on: self.database)
            holdID = hold.id!
        }
        let provider = try await self.medicalProvider(of: patientID)
        let task = TaskModel()
        task.id = UUID()
        task.patientID = patientID
        task.assigneeID = provider
        task.assigneeRole = Role.medicalProvider.rawValue
        task.kind = "safety-referral"
        task.title = (urgent ? "Urgent referral: " : "Referral: ") + reason
        task.detail = referrals.map { "\($0.title): \($0.guidance) (\($0.source))" }.joined(separator: "\n")
        task.urgent = urgent
        task.holdID = holdID
        task.createdAt = now
        try await task.create(on: self.database)
        outcome.holdID = holdID
        outcome.taskID = task.id
        outcome.providerID = provider
        return outcome
    }

    /// The care team's medical provider (the first one added when there are several).
    func medicalProvider(of patientID: UUID) async throws -> UUID? {
        let row = try await self.database.sql.raw("""
            SELECT c.user_id FROM care_team_members c JOIN users u ON u.id = c.user_id
            WHERE c.patient_id = \(bind: patientID) AND u.role = \(bind: Role.medicalProvider.rawValue) AND u.active = \(bind: true)
            ORDER BY c.created_at LIMIT 1
            """).first()
        return try row?.decode(column: "user_id", as: UUID.self)
    }

    /// Lifts the active hold: a medical provider's clearance, or a clinician's override with a reason.
    /// Open referral tasks for the hold are completed with it.
    public func clearHold(of patientID: UUID, _ clearance: HoldClearance, by userID: UUID, at now: Date) async throws -> TreatmentHold {
        guard let row = try await TreatmentHoldModel.query(on: self.database)
            .filter(\.$patientID == patientID).filter(\.$clearedAt == nil).first()
        else { throw SafetyStoreError.noActiveHold }
        row.clearedAt = now
        row.clearedBy = userID
        row.clearanceKind = clearance.kind.rawValue
        row.clearanceReason = clearance.reason
        try await row.update(on: self.database)
        try await self.database.sql.raw("""
            UPDATE tasks SET completed_at = \(bind: now), completed_by = \(bind: userID)
            WHERE hold_id = \(bind: row.id!) AND completed_at IS NULL
            """).run()
        return TreatmentHold(id: row.id!, reason: row.reason, urgent: row.urgent, since: row.createdAt)
    }

    /// Ends one precaution (for example a healed fracture), with the reason.
    public func resolvePrecaution(_ id: UUID, of patientID: UUID, reason: String, by userID: UUID, at now: Date) async throws {
        guard let row = try await PrecautionModel.query(on: self.database)
            .filter(\.$id == id).filter(\.$patientID == patientID).filter(\.$resolvedAt == nil).first()
        else { throw SafetyStoreError.notFound }
        row.resolvedAt = now
        row.resolvedBy = userID
        row.resolvedReason = reason
        try await row.update(on: self.database)
    }
}

extension TaskModel {
    var task: CareTask {
        CareTask(id: self.id!, patientID: self.patientID, assigneeID: self.assigneeID, kind: self.kind, title: self.title,
                 detail: self.detail, urgent: self.urgent, holdID: self.holdID, createdAt: self.createdAt, completedAt: self.completedAt,
                 dueOn: self.dueOn.flatMap(CalendarDate.init), createdByName: self.createdByName, noteID: self.noteID)
    }
}
