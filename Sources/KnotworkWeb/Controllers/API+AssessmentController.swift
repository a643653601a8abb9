import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

extension API {
    /// A list of KnotworkCore values (which are Codable but not Vapor `Content`) as `{"items": [...]}`.
    struct Items<T: Codable & Sendable>: Content {
        var items: [T]
    }

    struct SafetyRuleResponse: Content {
        var rule: SafetyRule
    }
    /// A finding as the API returns it: when, by whom, and the validated value.
    struct EntryResponse<V: Codable & Sendable & Equatable>: Content {
        var id: UUID
        var assessmentId: UUID?
        var recordedOn: String
        var recordedAt: Date
        var recordedBy: UUID
        var recordedByName: String
        var value: V

        init(_ e: ClinicalEntry<V>) {
            self.id = e.id
            self.assessmentId = e.assessmentID
            self.recordedOn = e.recordedOn.description
            self.recordedAt = e.recordedAt
            self.recordedBy = e.recordedBy
            self.recordedByName = e.recordedByName
            self.value = e.value
        }
    }

    struct AssessmentResponse: Content {
        var id: UUID
        var kind: String
        var assessedOn: String
        var summary: String
        var clinicianId: UUID
        var clinicianName: String

        init(_ h: AssessmentHeader) {
            self.id = h.id
            self.kind = h.kind.rawValue
            self.assessedOn = h.assessedOn.description
            self.summary = h.summary
            self.clinicianId = h.clinicianID
            self.clinicianName = h.clinicianName
        }
    }

    struct PrecautionResponse: Content {
        var id: UUID
        var since: Date
        var precaution: Precaution
    }

    struct HoldResponse: Content {
        var id: UUID
        var reason: String
        var urgent: Bool
        var since: Date
    }

    /// "Active precautions" and "on hold", for the session note to require acknowledgement.
    struct SafetyResponse: Content {
        var onHold: Bool
        var hold: HoldResponse?
        var precautions: [PrecautionResponse]

        init(_ s: SafetyStatus) {
            self.onHold = s.hold != nil
            self.hold = s.hold.map { HoldResponse(id: $0.id, reason: $0.reason, urgent: $0.urgent, since: $0.since) }
            self.precautions = s.precautions.map { PrecautionResponse(id: $0.id, since: $0.since, precaution: $0.precaution) }
        }
    }

    struct AssessmentListResponse: Content {
        var items: [AssessmentResponse]
        var safety: SafetyResponse
    }

    struct ROMRowResponse: Content {
        var entry: EntryResponse<ROMMeasurement>
        var evaluation: ROMEvaluation
    }

    /// The baseline a result is compared with, by reference (its full entry is in the baseline's own record).
    struct BaselineResponse: Content {
        var entryId: UUID
        var recordedOn: String
        var score: Double
    }

    struct MeasureRowResponse: Content {
        var entry: EntryResponse<MeasureResult>
        var baseline: BaselineResponse?
        var change: ChangeAssessment?
    }

    /// The whole assessment record (the JSON twin of the chart's assessment page).
    struct AssessmentRecordResponse: Content {
        var assessment: AssessmentResponse
        var baseline: AssessmentResponse?
        var previous: AssessmentResponse?
        var safety: SafetyResponse
        var intake: EntryResponse<Intake>?
        var intakeIsCarriedForward: Bool
        var safetyScreens: [EntryResponse<ScreenResult>]
        var painMaps: [EntryResponse<PainMap>]
        var previousPainMap: EntryResponse<PainMap>?
        var painMapChanges: [RegionChange]
        var triggerPoints: [EntryResponse<TriggerPointFinding>]
        var triggerPointChanges: [TriggerPointChange]
        var rangeOfMotion: [ROMRowResponse]
        var measures: [MeasureRowResponse]
        var rootCause: EntryResponse<RootCauseHypothesis>?
        var previousRootCause: RootCauseHypothesis?
        var psfsActivities: [String]

        init(_ d: AssessmentActions.RecordData) {
            let r = d.record
            self.assessment = AssessmentResponse(r.header)
            self.baseline = r.baseline.map(AssessmentResponse.init)
            self.previous = r.previous.map(AssessmentResponse.init)
            self.safety = SafetyResponse(d.safety)
            self.intake = r.intake.map(EntryResponse.init)
            self.intakeIsCarriedForward = r.intakeIsCarriedForward
            self.safetyScreens = r.screens.map(EntryResponse.init)
            self.painMaps = r.painMaps.map(EntryResponse.init)
            self.previousPainMap = r.previousPainMap.map(EntryResponse.init)
            self.painMapChanges = r.painMapChanges
            self.triggerPoints = r.triggerPoints.map(EntryResponse.init)
            self.triggerPointChanges = r.triggerPointChanges
            self.rangeOfMotion = r.rangeOfMotion.map { ROMRowResponse(entry: EntryResponse($0.entry), evaluation: $0.evaluation) }
            self.measures = r.measures.map { row in
                MeasureRowResponse(entry: EntryResponse(row.entry),
                                   baseline: row.baseline.map { BaselineResponse(entryId: $0.id, recordedOn: $0.recordedOn.description, score: $0.value.score.value) },
                                   change: row.change)
            }
            self.rootCause = r.rootCause.map(EntryResponse.init)
            self.previousRootCause = r.previousRootCause
            self.psfsActivities = d.psfsActivities
        }
    }

    struct ScreenResponse: Content {
        var entryId: UUID
        var newPrecautions: Int
        var onHold: Bool
        var taskId: UUID?
        var providerId: UUID?
        var safety: SafetyResponse
    }

    struct ScreenRequest: Content {
        var answers: [ScreenAnswerInput]
    }

    struct ResolveRequest: Content {
        var reason: String?
    }

    struct TaskResponse: Content {
        var id: UUID
        var patientId: UUID
        var kind: String
        var title: String
        var detail: String
        var urgent: Bool
        var createdAt: Date
        var dueOn: String?
        var setBy: String?

        init(_ t: CareTask) {
            self.id = t.id
            self.patientId = t.patientID
            self.kind = t.kind
            self.title = t.title
            self.detail = t.detail
            self.urgent = t.urgent
            self.createdAt = t.createdAt
            self.dueOn = t.dueOn?.description
            self.setBy = t.createdByName
        }
    }

    struct PainMapComparisonResponse: Content {
        var earlier: EntryResponse<PainMap>?
        var later: EntryResponse<PainMap>?
        var changes: [RegionChange]
        var maps: [MapListItem]

        struct MapListItem: Content {
            var id: UUID
            var recordedOn: String
            var regions: Int
        }
    }

    struct AssessmentController {
        static func assessmentID(_ req: Request) throws -> UUID {
            let id = try req.pathID("assessmentID")
            return id
        }

        @Sendable func index(req: Request) async throws -> AssessmentListResponse {
            let (_, all, safety) = try await AssessmentActions.list(on: req)
            return AssessmentListResponse(items: all.map(AssessmentResponse.init), safety: SafetyResponse(safety))
        }

        @Sendable func create(req: Request) async throws -> Response {
            let header = try await AssessmentActions.create(try API.decode(AssessmentHeaderInput.self, req), on: req)
            let response = try await AssessmentResponse(header).encodeResponse(status: .created, for: req)
            response.headers.replaceOrAdd(name: .location, value: "/api/v1/patients/\(header.patientID.uuidString)/assessments/\(header.id.uuidString)")
            return response
        }

        @Sendable func show(req: Request) async throws -> AssessmentRecordResponse {
            AssessmentRecordResponse(try await AssessmentActions.record(try Self.assessmentID(req), with: [.psfsActivities], on: req))
        }

        func created<V: Codable & Sendable & Equatable>(_ entry: ClinicalEntry<V>, _ req: Request) async throws -> Response {
            try await EntryResponse(entry).encodeResponse(status: .created, for: req)
        }

        @Sendable func intake(req: Request) async throws -> Response {
            try await self.created(AssessmentActions.addIntake(try API.decode(IntakeInput.self, req), assessmentID: try Self.assessmentID(req), on: req), req)
        }

        @Sendable func painMap(req: Request) async throws -> Response {
            try await self.created(AssessmentActions.addPainMap(try API.decode(PainMapInput.self, req), assessmentID: try Self.assessmentID(req), on: req), req)
        }

        @Sendable func triggerPoint(req: Request) async throws -> Response {
            try await self.created(AssessmentActions.addTriggerPoint(try API.decode(TriggerPointFindingInput.self, req), assessmentID: try Self.assessmentID(req), on: req), req)
        }

        @Sendable func rangeOfMotion(req: Request) async throws -> Response {
            try await self.created(AssessmentActions.addRangeOfMotion(try API.decode(ROMMeasurementInput.self, req), assessmentID: try Self.assessmentID(req), on: req), req)
        }

        @Sendable func measure(req: Request) async throws -> Response {
            try await self.created(AssessmentActions.addMeasure(try API.decode(AssessmentActions.MeasureInput.self, req), assessmentID: try Self.assessmentID(req), on: req), req)
        }

        @Sendable func rootCause(req: Request) async throws -> Response {
            try await self.created(AssessmentActions.setRootCause(try API.decode(RootCauseHypothesisInput.self, req), assessmentID: try Self.assessmentID(req), on: req), req)
        }

        func screened(_ outcome: ScreenOutcome, _ req: Request) async throws -> Response {
            let safety = try await AssessmentActions.safety(on: req)
            return try await ScreenResponse(entryId: outcome.entryID, newPrecautions: outcome.newPrecautions, onHold: safety.hold != nil,
                                            taskId: outcome.taskID, providerId: outcome.providerID, safety: SafetyResponse(safety))
                .encodeResponse(status: .created, for: req)
        }

        @Sendable func screen(req: Request) async throws -> Response {
            let body = try API.decode(ScreenRequest.self, req)
            return try await self.screened(AssessmentActions.screen(body.answers, assessmentID: try Self.assessmentID(req), on: req), req)
        }

        @Sendable func visitScreen(req: Request) async throws -> Response {
            let body = try API.decode(ScreenRequest.self, req)
            return try await self.screened(AssessmentActions.screen(body.answers, assessmentID: nil, on: req), req)
        }

        @Sendable func safety(req: Request) async throws -> SafetyResponse {
            SafetyResponse(try await AssessmentActions.safety(on: req))
        }

        @Sendable func clearHold(req: Request) async throws -> SafetyResponse {
            _ = try await AssessmentActions.clearHold(try API.decode(ClearanceInput.self, req), on: req)
            return SafetyResponse(try await AssessmentActions.safety(on: req))
        }

        @Sendable func resolvePrecaution(req: Request) async throws -> SafetyResponse {
            let id = try req.pathID("precautionID")
            try await AssessmentActions.resolvePrecaution(id, reason: try API.decode(ResolveRequest.self, req).reason, on: req)
            return SafetyResponse(try await AssessmentActions.safety(on: req))
        }

        struct CompareParams: Content {
            var earlier: String?
            var later: String?
        }

        @Sendable func compare(req: Request) async throws -> PainMapComparisonResponse {
            let p = try API.query(CompareParams.self, req)
            func id(_ s: String?, _ field: String) throws -> UUID? {
                guard let s, !s.isEmpty else { return nil }
                guard let id = UUID(uuidString: s) else { throw ValidationFailure([FieldError(field, "is not a pain map id")]) }
                return id
            }
            let c = try await AssessmentActions.compareMaps(earlier: try id(p.earlier, "earlier"), later: try id(p.later, "later"), on: req)
            return PainMapComparisonResponse(earlier: c.earlier.map(EntryResponse.init), later: c.later.map(EntryResponse.init), changes: c.changes,
                                             maps: c.maps.map { .init(id: $0.id, recordedOn: $0.recordedOn.description, regions: $0.value.markings.count) })
        }

        @Sendable func tasks(req: Request) async throws -> Items<TaskResponse> {
            Items(items: try await AssessmentActions.myTasks(on: req).map(TaskResponse.init))
        }

        @Sendable func rules(req: Request) async throws -> Items<SafetyRule> {
            Items(items: try await AssessmentActions.rules(on: req))
        }

        @Sendable func saveRule(req: Request) async throws -> SafetyRuleResponse {
            let key = req.parameters.get("ruleKey") ?? ""
            return SafetyRuleResponse(rule: try await AssessmentActions.saveRule(key: key, try API.decode(SafetyRuleInput.self, req), on: req))
        }
    }

    /// The coded catalogs, as data, with their sources.
    enum Catalog {
        struct RegionResponse: Content {
            var code: String
            var name: String
            var area: String
            var side: String?
            var view: String
            var snomed: String?
            var lateralitySnomed: String?
        }

        @Sendable static func instruments(req: Request) async throws -> Items<Instrument> { Items(items: Instruments.all) }

        @Sendable static func bodyRegions(req: Request) async throws -> Items<RegionResponse> {
            Items(items: BodyRegions.all.map { r in
                let a = r.bodyArea
                return RegionResponse(code: r.code, name: r.name, area: a.code, side: r.side?.rawValue, view: a.view.rawValue,
                                      snomed: a.snomed, lateralitySnomed: r.side?.snomed)
            })
        }

        @Sendable static func muscles(req: Request) async throws -> Items<Muscle> { Items(items: TriggerPointCatalog.muscles) }

        @Sendable static func rangeOfMotion(req: Request) async throws -> Items<MotionNorm> { Items(items: ROMNorms.all) }
    }
}
