import Foundation
import Testing
@testable import KnotworkCore

/// Intake, safety screen (CLINICAL-REFERENCE.md §4), pain map (§1.1 NRS), root cause and assessment header.
struct AssessmentDomainTests {
    let today = CalendarDate(year: 2026, month: 11, day: 29)!
    let birth = CalendarDate(year: 1980, month: 2, day: 29)!

    func fields(_ body: () throws -> Void) -> [String] {
        do { try body(); return [] } catch let failure as ValidationFailure { return failure.errors.map(\.field) } catch { return ["unexpected \(error)"] }
    }

    func date(_ s: String) -> CalendarDate { CalendarDate(s)! }

    // MARK: - Safety rules (seed)

    func rule(_ key: String) -> SafetyRule { SafetyRules.seed.first { $0.key == key }! }

    @Test func seedHasOneRuleForEverySection4Row() {
        // §4.1 rows (bleeding split into asked disorder and intake anticoagulant; recent surgery into intake and asked site),
        // the §4.2 corticosteroid fracture risk factor as an intake rule, and the six §4.2 red flags.
        let expected = [
            "dvt", "fever-infection", "bleeding-disorder", "anticoagulant", "severe-thrombocytopenia", "recent-fracture",
            "weakened-bones", "recent-surgery", "surgical-site", "skin-lesion", "cancer", "radiation-nerve-vessel",
            "acute-inflammation", "pregnancy", "provider-consult", "unexplained-pain", "uncontrolled-blood-pressure",
            "varicose-veins", "corticosteroid",
            "cauda-equina", "spinal-malignancy", "spinal-fracture", "spinal-infection", "cervical-arterial-dysfunction",
            "cervical-myelopathy",
        ]
        let keys = SafetyRules.seed.map(\.key)
        #expect(keys == expected)
        #expect(Set(keys).count == keys.count)
        for rule in SafetyRules.seed {
            #expect(rule.version == 1, "\(rule.key)")
            #expect(rule.active, "\(rule.key)")
            #expect(rule.source.hasPrefix("CLINICAL-REFERENCE §4.1") || rule.source.hasPrefix("CLINICAL-REFERENCE §4.2"), "\(rule.key)")
            #expect(rule.question.hasSuffix("?"), "\(rule.key)")
            #expect(!rule.guidance.isEmpty, "\(rule.key)")
            // Red flags and only red flags are re-asked at every visit.
            #expect(rule.askEveryVisit == (rule.category == .redFlag), "\(rule.key)")
            #expect(!rule.urgent || rule.action == .stopRefer, "\(rule.key)")
            #expect(!rule.needsRegion || rule.action == .avoidRegion, "\(rule.key)")
        }
        #expect(SafetyRules.seed.filter { $0.category == .redFlag }.count == 6)
    }

    @Test(arguments: [
        ("dvt", SafetyAction.stopRefer, true, false, SafetyTrigger.answer, false),
        ("fever-infection", .defer, false, false, .answer, false),
        ("anticoagulant", .modify, false, false, .intake(.anticoagulant), false),
        ("bleeding-disorder", .modify, false, false, .answer, false),
        ("severe-thrombocytopenia", .defer, false, false, .answer, false),
        ("recent-fracture", .avoidRegion, false, true, .answer, false),
        ("weakened-bones", .modify, false, false, .answer, false),
        ("recent-surgery", .avoidRegion, false, false, .intake(.recentSurgery), false),
        ("skin-lesion", .avoidRegion, false, true, .answer, false),
        ("pregnancy", .modify, false, false, .intake(.pregnancy), false),
        ("corticosteroid", .modify, false, false, .intake(.corticosteroid), false),
        ("unexplained-pain", .stopRefer, false, false, .answer, false),
        ("uncontrolled-blood-pressure", .defer, false, false, .answer, false),
        ("varicose-veins", .avoidRegion, false, true, .answer, false),
        ("cauda-equina", .stopRefer, true, false, .answer, true),
        ("spinal-malignancy", .stopRefer, true, false, .answer, true),
        ("spinal-infection", .stopRefer, true, false, .answer, true),
        ("cervical-arterial-dysfunction", .stopRefer, true, false, .answer, true),
        ("spinal-fracture", .stopRefer, false, false, .answer, true),
        ("cervical-myelopathy", .stopRefer, false, false, .answer, true),
    ] as [(String, SafetyAction, Bool, Bool, SafetyTrigger, Bool)])
    func seedRuleActionsFollowSection4(key: String, action: SafetyAction, urgent: Bool, needsRegion: Bool, trigger: SafetyTrigger,
                                       everyVisit: Bool) {
        let r = self.rule(key)
        #expect(r.action == action)
        #expect(r.urgent == urgent)
        #expect(r.needsRegion == needsRegion)
        #expect(r.trigger == trigger)
        #expect(r.askEveryVisit == everyVisit)
    }

    @Test func uncertainRowsAreMarkedUncertain() {
        let uncertain = Set(SafetyRules.seed.filter { $0.confidence == .uncertain }.map(\.key))
        #expect(uncertain == ["severe-thrombocytopenia", "uncontrolled-blood-pressure", "varicose-veins", "corticosteroid",
                              "cervical-arterial-dysfunction", "cervical-myelopathy"])
    }

    @Test func bloodPressureCutOffIsNamedAndConfigurable() {
        let r = self.rule("uncontrolled-blood-pressure")
        #expect(r.question.contains("180") && r.question.contains("120"))
        #expect(r.guidance.contains("180/120"))
        #expect(r.source.contains("[S53]"))
        var c = SafetyScreenConfiguration()
        c.severeSystolic = 160
        c.severeDiastolic = 100
        c.severeThrombocytopeniaAction = .modify
        let rules = SafetyRules.rules(c)
        #expect(rules.first { $0.key == "uncontrolled-blood-pressure" }!.question.contains("above 160 systolic or above 100 diastolic"))
        #expect(rules.first { $0.key == "severe-thrombocytopenia" }!.action == .modify)
    }

    @Test func redFlagQuestionsListTheirFeatures() {
        #expect(self.rule("cauda-equina").question.contains("saddle"))
        #expect(self.rule("cauda-equina").guidance.contains("Emergency"))
        #expect(self.rule("spinal-malignancy").question.contains("history of cancer"))
        #expect(self.rule("spinal-infection").question.contains("fever"))
        #expect(self.rule("cervical-myelopathy").question.contains("Lhermitte"))
    }

    @Test func seedRulesRoundTripThroughJSONAndTheirOwnForm() throws {
        let data = try JSONEncoder().encode(SafetyRules.seed)
        #expect(try JSONDecoder().decode([SafetyRule].self, from: data) == SafetyRules.seed)
        for rule in SafetyRules.seed {
            #expect(try SafetyRuleInput(rule: rule).validated(key: rule.key, version: rule.version) == rule)
        }
        let trigger = String(decoding: try JSONEncoder().encode(SafetyTrigger.intake(.pregnancy)), as: UTF8.self)
        #expect(trigger.contains("\"kind\":\"intake\"") && trigger.contains("\"fact\":\"pregnancy\""))
    }

    // MARK: - Editing a rule

    func ruleInput() -> SafetyRuleInput {
        SafetyRuleInput(title: "Recent fracture", question: "Has the patient had a recent fracture? Where?", category: "contraindication",
                        action: "avoidRegion", needsRegion: true, guidance: "No massage over the site.", trigger: "answer",
                        source: "CLINICAL-REFERENCE §4.1 [S50]", confidence: "confirmed")
    }

    @Test func ruleInputValidatesAndDefaultsToActive() throws {
        let r = try self.ruleInput().validated(key: "recent-fracture", version: 2)
        #expect(r.version == 2 && r.active && r.needsRegion && r.trigger == .answer && !r.urgent)
        var input = self.ruleInput()
        input.active = false
        input.question = "  Has the patient   had a recent fracture?  "
        let off = try input.validated(key: "recent-fracture", version: 3)
        #expect(!off.active)
        #expect(off.question == "Has the patient had a recent fracture?")
    }

    @Test(arguments: [
        ("question", "", "question"),
        ("source", "  ", "source"),
        ("title", "", "title"),
        ("action", "refer", "action"),
        ("category", "", "category"),
        ("confidence", "maybe", "confidence"),
        ("needsRegionWithModify", "", "needsRegion"),
        ("urgentWithDefer", "", "urgent"),
        ("intakeWithRegion", "", "needsRegion"),
        ("intakeWithoutFact", "", "intakeFact"),
        ("intakeEveryVisit", "", "askEveryVisit"),
        ("trigger", "sometimes", "trigger"),
        ("question", String(repeating: "q", count: 501), "question"),
    ] as [(String, String, String)])
    func ruleInputRefusesBadFields(what: String, value: String, field: String) {
        var input = self.ruleInput()
        switch what {
        case "question": input.question = value
        case "source": input.source = value
        case "title": input.title = value
        case "action": input.action = value
        case "category": input.category = value
        case "confidence": input.confidence = value
        case "needsRegionWithModify": input.action = "modify"
        case "urgentWithDefer": input.action = "defer"; input.needsRegion = false; input.urgent = true
        case "intakeWithRegion": input.trigger = "intake"; input.intakeFact = "pregnancy"
        case "intakeWithoutFact": input.trigger = "intake"; input.needsRegion = false
        case "intakeEveryVisit": input.trigger = "intake"; input.intakeFact = "pregnancy"; input.needsRegion = false; input.askEveryVisit = true
        case "trigger": input.trigger = value
        default: Issue.record("unknown case")
        }
        #expect(self.fields { _ = try input.validated(key: "recent-fracture", version: 2) } == [field])
    }

    @Test(arguments: ["", "Recent-Fracture", "dvt--x", "-dvt", "dvt_1", "ödem"])
    func ruleKeysMustBeKebabCase(key: String) {
        #expect(self.fields { _ = try self.ruleInput().validated(key: key, version: 1) } == ["key"])
    }

    // MARK: - Screening

    /// A "no" to every question that has to be answered.
    func allNo(visitOnly: Bool = false, except: [String: ScreenAnswerInput] = [:]) -> [ScreenAnswerInput] {
        SafetyScreen.questions(rules: SafetyRules.seed, visitOnly: visitOnly).map { except[$0.key] ?? ScreenAnswerInput(ruleKey: $0.key, answer: false) }
    }

    func screen(_ answers: [ScreenAnswerInput], facts: Set<IntakeFact> = [], visitOnly: Bool = false) throws -> ScreenResult {
        try SafetyScreen.evaluate(rules: SafetyRules.seed, answers: answers, facts: facts, visitOnly: visitOnly)
    }

    @Test func allNoGivesNoPrecautionsAndNoHold() throws {
        let r = try self.screen(self.allNo())
        #expect(r.precautions.isEmpty)
        #expect(!r.hold && !r.urgentReferral && !r.deferred)
        #expect(r.answers.count == SafetyScreen.questions(rules: SafetyRules.seed, visitOnly: false).count)
        #expect(r.answers.allSatisfy { $0.ruleVersion == 1 && !$0.answer && $0.region == nil })
    }

    @Test(arguments: [
        ("dvt", true, true),
        ("cauda-equina", true, true),
        ("spinal-fracture", true, false),
        ("unexplained-pain", true, false),
        ("fever-infection", false, false),
        ("weakened-bones", false, false),
    ])
    func stopAndReferAnswersHoldTreatment(key: String, hold: Bool, urgent: Bool) throws {
        let r = try self.screen(self.allNo(except: [key: ScreenAnswerInput(ruleKey: key, answer: true, note: "  seen today  ")]))
        #expect(r.hold == hold)
        #expect(r.urgentReferral == urgent)
        #expect(r.precautions.map(\.ruleKey) == [key])
        #expect(r.precautions[0].source == self.rule(key).source)
        #expect(r.precautions[0].fromIntakeFact == nil)
        #expect(r.answers.first { $0.ruleKey == key }?.note == "seen today")
    }

    @Test func feverDefersWithoutHold() throws {
        let r = try self.screen(self.allNo(except: ["fever-infection": ScreenAnswerInput(ruleKey: "fever-infection", answer: true)]))
        #expect(r.deferred && !r.hold)
        #expect(r.precautions.first?.action == .defer)
    }

    @Test func anUnansweredRequiredQuestionIsAnError() {
        var answers = self.allNo()
        answers.removeAll { $0.ruleKey == "dvt" }
        answers[0].answer = nil   // fever-infection: sent without a yes or no
        #expect(self.fields { _ = try self.screen(answers) } == ["answers[0].answer", "answers.dvt"])
        #expect(self.fields { _ = try self.screen([]) }.count == SafetyScreen.questions(rules: SafetyRules.seed, visitOnly: false).count)
    }

    @Test func visitOnlyScreensAskOnlyTheRedFlags() throws {
        let asked = SafetyScreen.questions(rules: SafetyRules.seed, visitOnly: true)
        #expect(asked.map(\.key) == SafetyRules.seed.filter { $0.category == .redFlag }.map(\.key))
        #expect(self.fields { _ = try self.screen([], visitOnly: true) } == asked.map { "answers.\($0.key)" })
        let r = try self.screen(self.allNo(visitOnly: true, except: ["spinal-infection": ScreenAnswerInput(ruleKey: "spinal-infection", answer: true)]),
                                visitOnly: true)
        #expect(r.hold && r.urgentReferral)
        // Other questions may still be answered at a visit.
        var more = self.allNo(visitOnly: true)
        more.append(ScreenAnswerInput(ruleKey: "fever-infection", answer: true))
        #expect(try self.screen(more, visitOnly: true).deferred)
    }

    @Test func aYesToAnAvoidTheAreaRuleNeedsAKnownRegion() throws {
        func with(_ a: ScreenAnswerInput) -> [ScreenAnswerInput] { self.allNo(except: ["recent-fracture": a]) }
        let i = self.allNo().firstIndex { $0.ruleKey == "recent-fracture" }!
        #expect(self.fields { _ = try self.screen(with(ScreenAnswerInput(ruleKey: "recent-fracture", answer: true))) } == ["answers[\(i)].region"])
        #expect(self.fields { _ = try self.screen(with(ScreenAnswerInput(ruleKey: "recent-fracture", answer: true, region: "calf"))) } == ["answers[\(i)].region"])
        #expect(self.fields { _ = try self.screen(with(ScreenAnswerInput(ruleKey: "recent-fracture", answer: true, region: "tail.left"))) } == ["answers[\(i)].region"])
        let r = try self.screen(with(ScreenAnswerInput(ruleKey: "recent-fracture", answer: true, region: " calf.left ")))
        #expect(r.precautions.count == 1)
        #expect(r.precautions[0].region == BodyRegion(area: "calf", side: .left))
        #expect(r.precautions[0].action == .avoidRegion && !r.hold)
        // A "no" needs no region, and a region given with it is not kept.
        let no = try self.screen(with(ScreenAnswerInput(ruleKey: "recent-fracture", answer: false, region: "calf.left")))
        #expect(no.answers.allSatisfy { $0.region == nil })
    }

    @Test func anAvoidTheAreaRuleMayBeAnsweredOncePerArea() throws {
        var answers = self.allNo(except: ["skin-lesion": ScreenAnswerInput(ruleKey: "skin-lesion", answer: true, region: "forearm-dorsal.left")])
        answers.append(ScreenAnswerInput(ruleKey: "skin-lesion", answer: true, region: "forearm-dorsal.right"))
        let r = try self.screen(answers)
        #expect(r.precautions.map { $0.region?.code } == ["forearm-dorsal.left", "forearm-dorsal.right"])
        answers.append(ScreenAnswerInput(ruleKey: "skin-lesion", answer: true, region: "forearm-dorsal.right"))
        #expect(self.fields { _ = try self.screen(answers) } == ["answers[\(answers.count - 1)].ruleKey"])
        var contradictory = self.allNo()
        contradictory.append(ScreenAnswerInput(ruleKey: "dvt", answer: true))
        #expect(self.fields { _ = try self.screen(contradictory) } == ["answers[\(contradictory.count - 1)].ruleKey"])
    }

    @Test func unknownAndIntakeOnlyRuleKeysAreErrors() {
        var answers = self.allNo()
        answers.append(ScreenAnswerInput(ruleKey: "no-such-rule", answer: true))
        answers.append(ScreenAnswerInput(ruleKey: "anticoagulant", answer: true))
        answers.append(ScreenAnswerInput(ruleKey: "  ", answer: true))
        let n = answers.count
        #expect(self.fields { _ = try self.screen(answers) } == ["answers[\(n - 3)].ruleKey", "answers[\(n - 2)].ruleKey", "answers[\(n - 1)].ruleKey"])
    }

    @Test func intakeFactsFireTheirRules() throws {
        let r = try self.screen(self.allNo(), facts: [.anticoagulant, .pregnancy, .recentSurgery, .implantedDevice])
        #expect(r.precautions.map(\.ruleKey) == ["recent-surgery", "anticoagulant", "pregnancy"])
        let anticoagulant = r.precautions.first { $0.ruleKey == "anticoagulant" }!
        #expect(anticoagulant.action == .modify)
        #expect(anticoagulant.fromIntakeFact == .anticoagulant)
        #expect(anticoagulant.guidance.contains("Light pressure only"))
        // The reference has no rule for implanted devices: the fact alone fires nothing.
        #expect(!r.precautions.contains { $0.fromIntakeFact == .implantedDevice })
        #expect(!r.hold)
    }

    @Test func precautionsAreListedMostRestrictiveFirst() throws {
        let yes = ["weakened-bones", "fever-infection", "spinal-fracture", "dvt"]
        let r = try self.screen(self.allNo(except: Dictionary(uniqueKeysWithValues: yes.map { ($0, ScreenAnswerInput(ruleKey: $0, answer: true)) })),
                                facts: [.corticosteroid])
        #expect(r.precautions.map(\.ruleKey) == ["dvt", "spinal-fracture", "fever-infection", "weakened-bones", "corticosteroid"])
    }

    @Test func theNewestVersionOfARuleIsUsedAndAnInactiveOneIsOff() throws {
        var dvt2 = self.rule("dvt")
        dvt2.version = 2
        dvt2.question = "Any sign of a blood clot?"
        var rules = SafetyRules.seed + [dvt2]
        var r = try SafetyScreen.evaluate(rules: rules, answers: self.allNo(except: ["dvt": ScreenAnswerInput(ruleKey: "dvt", answer: true)]),
                                          facts: [], visitOnly: false)
        #expect(r.answers.first { $0.ruleKey == "dvt" }?.ruleVersion == 2)
        #expect(r.precautions.first?.ruleVersion == 2)
        var off = dvt2
        off.version = 3
        off.active = false
        rules.append(off)
        #expect(!SafetyScreen.questions(rules: rules, visitOnly: false).contains { $0.key == "dvt" })
        var answers = self.allNo()
        answers.removeAll { $0.ruleKey == "dvt" }
        r = try SafetyScreen.evaluate(rules: rules, answers: answers, facts: [], visitOnly: false)
        #expect(r.precautions.isEmpty)
    }

    @Test func screenResultRoundTripsThroughJSON() throws {
        let r = try self.screen(self.allNo(except: ["recent-fracture": ScreenAnswerInput(ruleKey: "recent-fracture", answer: true, region: "calf.left")]),
                                facts: [.pregnancy])
        #expect(try JSONDecoder().decode(ScreenResult.self, from: JSONEncoder().encode(r)) == r)
    }

    // MARK: - Clearance

    @Test(arguments: [
        ("clinicianOverride", "", ["reason"]),
        ("clinicianOverride", "  too short ", ["reason"]),   // 9 characters after trimming
        ("clinicianOverride", "1234567890", []),
        ("providerCleared", "", []),
        ("providerCleared", "Dr Lee cleared by phone", []),
        ("", "whatever reason", ["kind"]),
        ("lifted", "whatever reason", ["kind"]),
    ] as [(String, String, [String])])
    func clearanceOverrideNeedsAReason(kind: String, reason: String, errors: [String]) {
        #expect(self.fields { _ = try ClearanceInput(kind: kind, reason: reason).validated() } == errors)
    }

    @Test func clearanceKeepsTheTrimmedReason() throws {
        let c = try ClearanceInput(kind: "clinicianOverride", reason: "  Symptoms explained by the provider's note  ").validated()
        #expect(c == HoldClearance(kind: .clinicianOverride, reason: "Symptoms explained by the provider's note"))
        #expect(try ClearanceInput(kind: "providerCleared").validated().reason == nil)
    }

    // MARK: - Intake

    func intakeInput() -> IntakeInput {
        IntakeInput(
            conditions: [" Type 2 diabetes ", ""],
            surgeries: [DatedEventInput(description: "Knee arthroscopy", date: "2026-10-01")],
            injuries: [DatedEventInput(description: "Fall on ice", date: "2025-01-10"), DatedEventInput()],
            medications: [MedicationInput(name: "Warfarin", dose: "5 mg"), MedicationInput(name: "Ibuprofen")],
            allergies: ["Latex"], lotionOrOilAllergy: true, lotionOrOilAllergyDetail: "almond oil",
            pregnancy: "notApplicable", implantedDevices: [],
            complaint: ComplaintInput(summary: "Low back pain after lifting", onset: "2026-06-15", mechanism: "injury",
                                      aggravating: ["sitting"], easing: ["walking"], earlierTreatments: ["physical therapy"]),
            goals: ["Garden for an hour without pain"]
        )
    }

    @Test func acceptsAValidIntakeAndSkipsEmptyRows() throws {
        let i = try self.intakeInput().validated(today: self.today, birthDate: self.birth)
        #expect(i.conditions == ["Type 2 diabetes"])
        #expect(i.injuries == [DatedEvent(description: "Fall on ice", date: self.date("2025-01-10"))])
        #expect(i.medications[0] == Medication(name: "Warfarin", dose: "5 mg", anticoagulant: true, corticosteroid: false))
        #expect(i.medications[1].anticoagulant == false)
        #expect(i.complaint.mechanism == .injury)
        #expect(i.pregnancy == .notApplicable)
        #expect(try JSONDecoder().decode(Intake.self, from: JSONEncoder().encode(i)) == i)
    }

    @Test(arguments: [
        ("futureOnset", ["complaint.onset"]),
        ("onsetBeforeBirth", ["complaint.onset"]),
        ("missingOnset", ["complaint.onset"]),
        ("badOnset", ["complaint.onset"]),
        ("missingSummary", ["complaint.summary"]),
        ("futureSurgery", ["surgeries[0].date"]),
        ("injuryBeforeBirth", ["injuries[0].date"]),
        ("dateWithoutDescription", ["injuries[1].description"]),
        ("noGoals", ["goals"]),
        ("doseWithoutName", ["medications[1].name"]),
        ("unknownMechanism", ["complaint.mechanism"]),
        ("otherWithoutDetail", ["complaint.mechanismDetail"]),
        ("noPregnancyAnswer", ["pregnancy"]),
        ("weeksWithoutPregnancy", ["pregnancyWeeks"]),
        ("tooManyWeeks", ["pregnancyWeeks"]),
        ("lotionDetailWithoutFlag", ["lotionOrOilAllergyDetail"]),
        ("longCondition", ["conditions[0]"]),
        ("longSummary", ["complaint.summary"]),
    ] as [(String, [String])])
    func intakeRefusesBadFieldsWithTheirPaths(what: String, errors: [String]) {
        var input = self.intakeInput()
        switch what {
        case "futureOnset": input.complaint?.onset = "2026-11-30"
        case "onsetBeforeBirth": input.complaint?.onset = "1980-02-28"
        case "missingOnset": input.complaint?.onset = " "
        case "badOnset": input.complaint?.onset = "2026-02-30"
        case "missingSummary": input.complaint?.summary = nil
        case "futureSurgery": input.surgeries = [DatedEventInput(description: "Hip", date: "2027-01-01")]
        case "injuryBeforeBirth": input.injuries?[0].date = "1979-12-31"
        case "dateWithoutDescription": input.injuries?[1].date = "2020-01-01"
        case "noGoals": input.goals = ["  ", ""]
        case "doseWithoutName": input.medications?[1] = MedicationInput(dose: "10 mg")
        case "unknownMechanism": input.complaint?.mechanism = "magic"
        case "otherWithoutDetail": input.complaint?.mechanism = "other"
        case "noPregnancyAnswer": input.pregnancy = nil
        case "weeksWithoutPregnancy": input.pregnancyWeeks = 12
        case "tooManyWeeks": input.pregnancy = "yes"; input.pregnancyWeeks = 46
        case "lotionDetailWithoutFlag": input.lotionOrOilAllergy = false
        case "longCondition": input.conditions = [String(repeating: "c", count: 201)]
        case "longSummary": input.complaint?.summary = String(repeating: "s", count: 2001)
        default: Issue.record("unknown case")
        }
        #expect(self.fields { _ = try input.validated(today: self.today, birthDate: self.birth) } == errors)
    }

    @Test func aMissingComplaintReportsItsRequiredFields() {
        var input = self.intakeInput()
        input.complaint = nil
        #expect(self.fields { _ = try input.validated(today: self.today, birthDate: self.birth) } == ["complaint.summary", "complaint.onset"])
    }

    @Test func onsetTodayAndOnTheBirthDateAreAccepted() throws {
        var input = self.intakeInput()
        input.complaint?.onset = "2026-11-29"
        #expect(try input.validated(today: self.today, birthDate: self.birth).complaint.onset == self.today)
        input.complaint?.onset = "1980-02-29"
        #expect(try input.validated(today: self.today, birthDate: self.birth).complaint.onset == self.birth)
    }

    func intake(onset: String, surgeries: [DatedEvent] = [], medications: [Medication] = [], pregnancy: PregnancyStatus = .no,
                devices: [String] = []) -> Intake {
        Intake(surgeries: surgeries, medications: medications, pregnancy: pregnancy, implantedDevices: devices,
               complaint: PresentingComplaint(summary: "Neck pain", onset: self.date(onset), mechanism: .gradual), goals: ["Sleep"])
    }

    @Test(arguments: [
        ("2026-01-15", "2026-04-15", 3, true),    // exactly three months
        ("2026-01-15", "2026-04-14", 2, false),   // two months and 30 days
        ("2026-01-15", "2026-01-15", 0, false),
        ("2025-11-30", "2026-02-28", 3, true),    // 30th → end of February counts as the anniversary
        ("2025-11-30", "2026-02-27", 2, false),
        ("2024-02-29", "2025-02-28", 12, true),
        ("2026-05-01", "2026-04-01", 0, false),   // before onset
    ] as [(String, String, Int, Bool)])
    func chronicFromThreeWholeMonths(onset: String, asOf: String, months: Int, chronic: Bool) {
        let i = self.intake(onset: onset)
        #expect(i.durationMonths(asOf: self.date(asOf)) == months)
        #expect(i.isChronic(asOf: self.date(asOf)) == chronic)
        #expect(Intake.chronicAfterMonths == 3)
    }

    @Test(arguments: [
        ("Warfarin", true, false), ("warfarin 5 mg", true, false), ("APIXABAN", true, false), ("rivaroxaban", true, false),
        ("Dabigatran etexilate", true, false), ("edoxaban", true, false), ("Heparin", true, false),
        ("enoxaparin sodium 40mg", true, false), ("Clopidogrel 75 mg", true, false),
        ("Prednisone 10mg", false, true), ("prednisolone", false, true), ("Methylprednisolone", false, true),
        ("dexamethasone", false, true), ("Hydrocortisone", false, true),
        ("Hydrocortisone cream 1%", false, false), ("heparin gel", false, false),
        ("Ibuprofen", false, false), ("Aspirin", false, false), ("", false, false),
    ] as [(String, Bool, Bool)])
    func medicationFlagSuggestions(name: String, anticoagulant: Bool, corticosteroid: Bool) {
        #expect(MedicationFlags.suggest(name: name) == MedicationFlags(anticoagulant: anticoagulant, corticosteroid: corticosteroid))
    }

    @Test func saidMedicationFlagsOverrideTheSuggestion() throws {
        var input = self.intakeInput()
        input.medications = [MedicationInput(name: "Warfarin", anticoagulant: false), MedicationInput(name: "Unknown pill", corticosteroid: true)]
        let meds = try input.validated(today: self.today, birthDate: self.birth).medications
        #expect(meds.map(\.anticoagulant) == [false, false])
        #expect(meds.map(\.corticosteroid) == [false, true])
    }

    @Test func intakeFacts() {
        let asOf = self.date("2026-11-29")
        #expect(self.intake(onset: "2026-01-01").facts(asOf: asOf) == [])
        let all = self.intake(onset: "2026-01-01",
                              surgeries: [DatedEvent(description: "Appendix", date: self.date("2026-09-06"))],   // 84 days
                              medications: [Medication(name: "Warfarin", dose: nil, anticoagulant: true, corticosteroid: false),
                                            Medication(name: "Prednisone", dose: nil, anticoagulant: false, corticosteroid: true)],
                              pregnancy: .yes(weeks: 20), devices: ["Pacemaker"])
        #expect(all.facts(asOf: asOf) == [.anticoagulant, .corticosteroid, .pregnancy, .implantedDevice, .recentSurgery])
        let older = self.intake(onset: "2026-01-01", surgeries: [DatedEvent(description: "Appendix", date: self.date("2026-09-05")),
                                                                 DatedEvent(description: "Undated", date: nil)])  // 85 days
        #expect(older.facts(asOf: asOf) == [])
        #expect(older.facts(asOf: asOf, recentSurgeryWeeks: 13) == [.recentSurgery])
        #expect(self.intake(onset: "2026-01-01", pregnancy: .yes(weeks: nil)).facts(asOf: asOf) == [.pregnancy])
    }

    @Test func pregnancyStatusRoundTrips() throws {
        for status in [PregnancyStatus.no, .yes(weeks: 20), .yes(weeks: nil), .notApplicable] {
            let data = try JSONEncoder().encode(status)
            #expect(try JSONDecoder().decode(PregnancyStatus.self, from: data) == status)
        }
        var input = self.intakeInput()
        input.pregnancy = "yes"
        input.pregnancyWeeks = 20
        #expect(try input.validated(today: self.today, birthDate: self.birth).pregnancy == .yes(weeks: 20))
    }

    // MARK: - Pain map

    @Test func aValidPainMapIsSortedByRegionWithQualitiesInOrder() throws {
        let map = try PainMapInput(markings: [
            PainMarkingInput(region: "calf.right", intensity: 3, qualities: ["tingling", "aching", "tingling"], pattern: "intermittent"),
            PainMarkingInput(region: "neck-back.left", intensity: 7, qualities: [], pattern: "constant", note: "  worse at desk "),
        ]).validated()
        #expect(map.markings.map(\.region.code) == ["neck-back.left", "calf.right"])
        #expect(map.markings[1].qualities == [.aching, .tingling])
        #expect(map.markings[0].note == "worse at desk")
        #expect(map.summary == PainMapSummary(regionCount: 2, maxIntensity: 7))
        #expect(try JSONDecoder().decode(PainMap.self, from: JSONEncoder().encode(map)) == map)
    }

    @Test func anEmptyMapMeansNoPain() throws {
        let map = try PainMapInput().validated()
        #expect(map.markings.isEmpty)
        #expect(map.summary == PainMapSummary(regionCount: 0, maxIntensity: nil))
    }

    @Test(arguments: [
        (PainMarkingInput(region: "calf.left", intensity: 11, pattern: "constant"), ["markings[1].intensity"]),
        (PainMarkingInput(region: "calf.left", intensity: -1, pattern: "constant"), ["markings[1].intensity"]),
        (PainMarkingInput(region: "calf.left", intensity: nil, pattern: "constant"), ["markings[1].intensity"]),
        (PainMarkingInput(region: "tail.left", intensity: 4, pattern: "constant"), ["markings[1].region"]),
        (PainMarkingInput(region: "lowback", intensity: 4, pattern: "constant"), ["markings[1].region"]),   // paired area needs a side
        (PainMarkingInput(region: "", intensity: 4, pattern: "constant"), ["markings[1].region"]),
        (PainMarkingInput(region: "sacrum", intensity: 4, pattern: "constant"), ["markings[1].region"]),    // marked twice
        (PainMarkingInput(region: "calf.left", intensity: 4, qualities: ["aching", "itchy"], pattern: "constant"), ["markings[1].qualities[1]"]),
        (PainMarkingInput(region: "calf.left", intensity: 4, pattern: "sometimes"), ["markings[1].pattern"]),
        (PainMarkingInput(region: "calf.left", intensity: 4), ["markings[1].pattern"]),
        (PainMarkingInput(region: "calf.left", intensity: 4, pattern: "constant", note: String(repeating: "n", count: 2001)), ["markings[1].note"]),
    ] as [(PainMarkingInput, [String])])
    func painMapRefusesBadMarkings(bad: PainMarkingInput, errors: [String]) {
        let input = PainMapInput(markings: [PainMarkingInput(region: "sacrum", intensity: 5, pattern: "constant"), bad])
        #expect(self.fields { _ = try input.validated() } == errors)
    }

    func map(_ markings: [(String, Int)]) -> PainMap {
        PainMap(markings: markings.map { PainMarking(region: BodyRegion(code: $0.0)!, intensity: $0.1, pattern: .constant) })
    }

    @Test func comparisonCoversAllFiveChangesWithTheNRSMeaningfulChange() {
        #expect(PainMapComparison.meaningfulChange == 2)   // §1.1, read from the NRS-NOW instrument
        let earlier = self.map([("neck-back.left", 7), ("shoulder-top.left", 4), ("lowback.left", 3), ("calf.right", 5), ("sacrum", 2)])
        let later = self.map([("neck-back.left", 3), ("shoulder-top.left", 5), ("lowback.left", 3), ("heel.left", 2), ("sacrum", 4)])
        let changes = PainMapComparison.compare(earlier: earlier, later: later)
        let byCode = Dictionary(uniqueKeysWithValues: changes.map { ($0.region.code, $0) })
        #expect(changes.map(\.region) == changes.map(\.region).sorted())
        #expect(changes.count == 6)
        func check(_ code: String, _ kind: RegionChangeKind, _ delta: Int, _ beyond: Bool) {
            #expect(byCode[code]?.kind == kind, "\(code)")
            #expect(byCode[code]?.delta == delta, "\(code)")
            #expect(byCode[code]?.beyondMeaningfulChange == beyond, "\(code)")
        }
        check("neck-back.left", .better, -4, true)
        check("shoulder-top.left", .worse, 1, false)
        check("sacrum", .worse, 2, true)          // exactly the MCID counts
        check("lowback.left", .unchanged, 0, false)
        check("calf.right", .resolved, -5, true)
        check("heel.left", .new, 2, true)
        #expect(byCode["calf.right"]?.later == nil && byCode["heel.left"]?.earlier == nil)
    }

    // MARK: - Root cause

    let knownMuscles: Set<String> = ["trapezius-upper", "quadratus-lumborum"]

    func rootInput() -> RootCauseHypothesisInput {
        RootCauseHypothesisInput(
            suspectedSources: [SuspectedSourceInput(muscle: "quadratus-lumborum", side: "left"),
                               SuspectedSourceInput(structure: " L5–S1 facet "), SuspectedSourceInput()],
            evidence: "Pain pattern matches QL referral; worse after long sitting.",
            factors: [PerpetuatingFactorInput(kind: "workstation", detail: "Laptop on the sofa", selfCareAction: "Use a desk and an external keyboard"),
                      PerpetuatingFactorInput(kind: "sleepPosition", selfCareAction: "Pillow between the knees", status: "confirmed")]
        )
    }

    @Test func aValidHypothesis() throws {
        let h = try self.rootInput().validated(isKnownMuscle: self.knownMuscles.contains)
        #expect(h.suspectedSources == [SuspectedSource(muscle: "quadratus-lumborum", side: .left), SuspectedSource(structure: "L5–S1 facet")])
        #expect(h.factors.map(\.status) == [.active, .confirmed])
        #expect(h.factors[1].detail == "")
        #expect(try JSONDecoder().decode(RootCauseHypothesis.self, from: JSONEncoder().encode(h)) == h)
    }

    @Test(arguments: [
        ("noSources", ["suspectedSources"]),
        ("unknownMuscle", ["suspectedSources[0].muscle"]),
        ("badSide", ["suspectedSources[0].side"]),
        ("sideOnly", ["suspectedSources[2].muscle"]),
        ("noEvidence", ["evidence"]),
        ("noSelfCare", ["factors[0].selfCareAction"]),
        ("unknownKind", ["factors[0].kind"]),
        ("otherWithoutDetail", ["factors[0].detail"]),
        ("badStatus", ["factors[1].status"]),
    ] as [(String, [String])])
    func hypothesisRefusesBadFields(what: String, errors: [String]) {
        var input = self.rootInput()
        switch what {
        case "noSources": input.suspectedSources = [SuspectedSourceInput(muscle: " ")]
        case "unknownMuscle": input.suspectedSources?[0].muscle = "biceps-of-the-ear"
        case "badSide": input.suspectedSources?[0].side = "both"
        case "sideOnly": input.suspectedSources?[2].side = "right"
        case "noEvidence": input.evidence = "   "
        case "noSelfCare": input.factors?[0].selfCareAction = nil
        case "unknownKind": input.factors?[0].kind = "weather"
        case "otherWithoutDetail": input.factors?[0].kind = "other"; input.factors?[0].detail = nil
        case "badStatus": input.factors?[1].status = "maybe"
        default: Issue.record("unknown case")
        }
        #expect(self.fields { _ = try input.validated(isKnownMuscle: self.knownMuscles.contains) } == errors)
    }

    @Test func reviewListsAddedKeptChangedAndRemovedFactors() {
        let previous = RootCauseHypothesis(suspectedSources: [SuspectedSource(muscle: "quadratus-lumborum")], evidence: "e", factors: [
            PerpetuatingFactor(kind: .workstation, detail: "Laptop on the sofa", selfCareAction: "Desk"),
            PerpetuatingFactor(kind: .sleepPosition, selfCareAction: "Pillow"),
            PerpetuatingFactor(kind: .stress, detail: "Work deadlines", selfCareAction: "Breathing"),
            PerpetuatingFactor(kind: .footwear, detail: "Flat sandals", selfCareAction: "Supportive shoes"),
        ])
        let current = RootCauseHypothesis(suspectedSources: [SuspectedSource(muscle: "quadratus-lumborum")], evidence: "e", factors: [
            PerpetuatingFactor(kind: .workstation, detail: "laptop on the SOFA", selfCareAction: "Desk"),
            PerpetuatingFactor(kind: .sleepPosition, selfCareAction: "Pillow", status: .confirmed, statusNote: "Mornings better"),
            PerpetuatingFactor(kind: .stress, detail: "Deadlines and a move", selfCareAction: "Breathing", status: .revised),
            PerpetuatingFactor(kind: .deviceUse, detail: "Phone in bed", selfCareAction: "Phone down at 10 pm"),
        ])
        let review = RootCauseReview.compare(previous: previous, current: current)
        #expect(review.added.map(\.kind) == [.deviceUse])
        #expect(review.kept.map(\.kind) == [.workstation])
        #expect(review.statusChanged.map(\.factor.kind) == [.sleepPosition, .stress])
        #expect(review.statusChanged.map(\.from) == [.active, .active])
        #expect(review.statusChanged.map(\.to) == [.confirmed, .revised])
        #expect(review.removed.map(\.kind) == [.footwear])
    }

    @Test func perpetuatingFactorKindsHaveLabels() {
        #expect(PerpetuatingFactorKind.allCases.count == 12)
        #expect(PerpetuatingFactorKind.allCases.allSatisfy { !$0.label.isEmpty })
        #expect(PerpetuatingFactorKind.allCases.filter(\.commonlyListedOnly) == [.nutritionOrHydration])
    }

    // MARK: - Assessment header

    @Test(arguments: [
        ("initial", "2026-11-29", []),
        ("reEvaluation", "1980-02-29", []),
        ("initial", "2026-11-30", ["assessedOn"]),     // future
        ("initial", "1980-02-28", ["assessedOn"]),     // before birth
        ("initial", "", ["assessedOn"]),
        ("initial", "29.11.2026", ["assessedOn"]),
        ("", "2026-11-29", ["kind"]),
        ("followUp", "2026-11-29", ["kind"]),
    ] as [(String, String, [String])])
    func assessmentHeaderDates(kind: String, on: String, errors: [String]) {
        let input = AssessmentHeaderInput(kind: kind, assessedOn: on, summary: "  First visit  ")
        #expect(self.fields { _ = try input.validated(today: self.today, birthDate: self.birth) } == errors)
    }

    @Test func assessmentHeaderValue() throws {
        let v = try AssessmentHeaderInput(kind: "reEvaluation", assessedOn: "2026-11-01", summary: "  Six-week review ").validated(today: self.today, birthDate: self.birth)
        #expect(v == AssessmentHeaderValue(kind: .reEvaluation, assessedOn: self.date("2026-11-01"), summary: "Six-week review"))
        #expect(AssessmentKind.reEvaluation.label == "Re-evaluation")
    }
}
