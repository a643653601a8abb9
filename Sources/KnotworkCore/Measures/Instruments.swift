import Foundation

/// Values the clinical reference marks uncertain (⚠️ or ❓), gathered so a clinic or a later
/// verification can change them without touching the scoring code.
public struct MeasureConfiguration: Sendable, Equatable {
    /// PEG MID: Reed 2024 anchor-based "a little better" is 1.0–1.75 (§1.2 [S3]); we take the low end. Configurable.
    public var pegMID: Double = 1.0
    /// BPI severity MID: "comparable to PEG" (Reed 2024, §1.3 [S3]); no own number in the reference. Configurable.
    public var bpiSeverityMID: Double = 1.0
    /// PROMIS Pain Interference MID: 2–3 T in pain samples (Chen 2018, §1.7 [S26]); 3.5–5.5 T in back pain
    /// (Amtmann 2016 [S27]). Default is the upper end of Chen's range. Configurable.
    public var promisPainInterferenceMID: Double = 3.0
    /// PROMIS Sleep Disturbance: no MID in the reference (§1.8 ❓); nil = change is reported but not classified.
    public var promisSleepDisturbanceMID: Double? = nil
    /// T-score bounds: the reference gives none (§1.7/1.8 only "mean 50, SD 10"); 10–90 = ±4 SD. Configurable.
    public var promisTRange: ClosedRange<Double> = 10...90
    /// ODI: the reference gives the one-section-missing example (16/45, §1.5 [S15]) but no limit. Configurable.
    public var odiMaxMissingSections: Int = 1
    /// NDI: the reference gives the developer's mean-imputation rule but no limit on missing items (§1.6 [S18]). Configurable.
    public var ndiMaxMissingItems: Int = 1
    /// NRS severity bands: ePPOC/BPI convention 0–4 / 5–6 / 7–10 (§1.1 [S7]); other sets (1–3/4–6/7–10) are in use ⚠️.
    public var nrsModerateFrom: Double = 5
    public var nrsSevereFrom: Double = 7
    /// PSFS: "up to 3 (form allows up to 5)" activities (§1.4 [S19]).
    public var psfsMaxActivities: Int = 5
    /// Night wakings: the reference has no instrument (§1.12 ❓); an upper bound for plausibility. Configurable.
    public var maxNightWakings: Double = 20

    public init() {}
    public static let standard = MeasureConfiguration()
}

public enum Instruments {
    /// The catalog with the standard configuration.
    public static let all: [Instrument] = catalog(.standard)

    /// Look an instrument up by code (case-insensitive).
    public static func named(_ code: String, in instruments: [Instrument] = Instruments.all) -> Instrument? {
        let key = code.uppercased()
        return instruments.first { $0.code == key }
    }

    public static func catalog(_ c: MeasureConfiguration) -> [Instrument] {
        // §1.1: NRS 0–10, integers, higher = more pain [S4][S10]; MCID 2 points or 30 % (Farrar 2001 [S4]; Ostelo 2008 [S13]).
        let nrsChange = MeaningfulChange(points: 2, percent: 30, citation: "Farrar 2001 Pain 94:149 [S4]; Ostelo 2008 Spine 33:90 [S13]")
        // §1.1 bands (ePPOC/BPI convention [S7]; alternative band sets exist ⚠️ → configurable).
        let nrsBands = [SeverityBand("mild", from: 0), SeverityBand("moderate", from: c.nrsModerateFrom),
                        SeverityBand("severe", from: c.nrsSevereFrom)]
        func nrs(_ code: String, _ name: String, _ loinc: String?) -> Instrument {
            Instrument(code: code, name: name, loinc: loinc, range: 0...10, direction: .higherIsWorse, kind: .administered,
                       items: [InstrumentItem("pain", "Pain intensity 0 (no pain) – 10 (worst imaginable)", loinc: loinc, range: 0...10)],
                       missingItemRule: .allRequired, bands: nrsBands, bandsSource: "ePPOC [S7], §1.1",
                       meaningfulChange: nrsChange, immpactPainIntensity: true, source: "§1.1 [S4][S10]")
        }
        // §1.3 BPI-SF severity 0–10 (mean of 4), interference 0–10 (mean of 7; ≥ 4 of 7 answered) [S7]; licensed [S8][S9].
        let promisBands = [  // §1.7 symptom cut points [S23]: ≤ 55 WNL; 55–60 mild; 60–70 moderate; ≥ 70 severe
            SeverityBand("within normal limits", from: c.promisTRange.lowerBound), SeverityBand("mild", from: 55, inclusive: false),
            SeverityBand("moderate", from: 60), SeverityBand("severe", from: 70),
        ]
        return [
            // §1.1: 72514-3 = 0–10 verbal numeric rating [S10]; 75893-8 = past week (PEG item 1) [S2].
            // No recall-specific LOINC code for "now" / "24-hour average" in the reference: 72514-3 for both.
            nrs("NRS-NOW", "Pain intensity NRS, right now", "72514-3"),
            nrs("NRS-24H", "Pain intensity NRS, average over 24 hours", "72514-3"),
            nrs("NRS-WEEK", "Pain intensity NRS, average over the past week", "75893-8"),
            // §1.2 PEG: mean of 3 items 0–10, higher = worse [S1][S2c]; LOINC panel 91148-7 [S2b], score 91147-9 [S2].
            Instrument(code: "PEG", name: "PEG-3 (Pain, Enjoyment of life, General activity)", loinc: "91147-9",
                       range: 0...10, direction: .higherIsWorse, kind: .administered,
                       items: [
                           InstrumentItem("pain", "Average pain, past week", loinc: "75893-8", range: 0...10),
                           InstrumentItem("enjoyment", "Pain interference with enjoyment of life, past week", loinc: "91145-3", range: 0...10),
                           InstrumentItem("activity", "Pain interference with general activity, past week", loinc: "91146-1", range: 0...10),
                       ],
                       missingItemRule: .allRequired,
                       meaningfulChange: MeaningfulChange(points: c.pegMID, citation: "Reed 2024 J Pain 25:142, anchor-based 1.0–1.75 [S3] (configurable)"),
                       source: "§1.2 Krebs 2009 [S1]; panel 91148-7 [S2b]"),
            // §1.4 PSFS: activities 0 (unable) – 10 (pre-problem level); score = mean; higher = better;
            // MDC (90 % CI) 2 points average, 3 points single activity [S19]. No LOINC (❓).
            Instrument(code: "PSFS", name: "Patient-Specific Functional Scale", range: 0...10, direction: .higherIsBetter,
                       kind: .administered, items: [InstrumentItem("activity", "Patient-named activity, 0 unable – 10 pre-problem level", range: 0...10)],
                       missingItemRule: .atLeastOneActivity(maxActivities: c.psfsMaxActivities),
                       meaningfulChange: MeaningfulChange(measurementError: 2, citation: "Stratford 1995 Physiother Can 47:258, MDC 2 (average) / 3 (single activity) [S19]"),
                       source: "§1.4 [S19]"),
            // §1.10 PGIC: 7 categories [S4][S6], coded here 1 = very much improved … 4 = no change … 7 = very much worse.
            Instrument(code: "PGIC", name: "Patient Global Impression of Change", range: 1...7, direction: .higherIsWorse,
                       kind: .administered, items: [InstrumentItem("rating", "1 very much improved … 4 no change … 7 very much worse", range: 1...7)],
                       missingItemRule: .allRequired, source: "§1.10 Farrar 2001 [S4]; IMMPACT [S6]"),
            // §1.10 GROC: 15-point −7 … +7 (Jaeschke 1989; Kamper 2009) [S29]; higher = better.
            Instrument(code: "GROC", name: "Global Rating of Change", range: -7...7, direction: .higherIsBetter,
                       kind: .administered, items: [InstrumentItem("rating", "−7 a very great deal worse … 0 same … +7 a very great deal better", range: -7...7)],
                       missingItemRule: .allRequired, source: "§1.10 Kamper 2009 [S29]"),
            // §1.12 sleep: no validated brief instrument or LOINC (❓) → local codes, one score each.
            Instrument(code: "SLEEP-HOURS", name: "Hours slept, last night", range: 0...24, direction: .higherIsBetter, kind: .administered,
                       items: [InstrumentItem("hours", "Hours slept", range: 0...24, integer: false)], missingItemRule: .allRequired,
                       source: "§1.12 local diary item (no validated instrument ❓)"),
            Instrument(code: "SLEEP-QUALITY", name: "Sleep quality 0 (very poor) – 10 (very good)", range: 0...10, direction: .higherIsBetter,
                       kind: .administered, items: [InstrumentItem("quality", "Sleep quality 0–10", range: 0...10)], missingItemRule: .allRequired,
                       source: "§1.12 local diary item (no validated instrument ❓)"),
            Instrument(code: "SLEEP-WAKINGS", name: "Night wakings from pain", range: 0...c.maxNightWakings, direction: .higherIsWorse,
                       kind: .administered, items: [InstrumentItem("wakings", "Times woken by pain", range: 0...c.maxNightWakings)],
                       missingItemRule: .allRequired, source: "§1.12 local diary item (upper bound configurable)"),
            // §1.12 pain-free periods: no validated instrument or code (❓) → local diary items.
            Instrument(code: "PAINFREE-HOURS", name: "Pain-free hours in the last 24 hours", range: 0...24, direction: .higherIsBetter,
                       kind: .administered, items: [InstrumentItem("hours", "Pain-free hours, last 24 h", range: 0...24, integer: false)],
                       missingItemRule: .allRequired, source: "§1.12 local diary item"),
            Instrument(code: "PAINFREE-DAYS", name: "Pain-free days in the last 7", range: 0...7, direction: .higherIsBetter,
                       kind: .administered, items: [InstrumentItem("days", "Pain-free days, last 7", range: 0...7)],
                       missingItemRule: .allRequired, source: "§1.12 local diary item"),

            // ——— Score entry only (licensed forms administered elsewhere; items never reproduced, §0.2) ———
            // §1.5 ODI v2.1a: 10 sections 0–5; % = sum ÷ (5 × answered) × 100 [S15][S14b]; higher = worse.
            // Bands 0–20 minimal, 21–40 moderate, 41–60 severe, 61–80 crippled, 81–100 bed-bound/exaggerating [S14].
            // MIC 10 points or 30 % (Ostelo 2008 [S13]). LOINC score 97909-6 [S17][S61].
            Instrument(code: "ODI", name: "Oswestry Disability Index v2.1a (%)", loinc: "97909-6", range: 0...100,
                       direction: .higherIsWorse, kind: .scoreEntry,
                       items: ["pain intensity", "personal care", "lifting", "walking", "sitting", "standing", "sleeping",
                               "sex life", "social life", "travelling"].enumerated().map { i, topic in
                           InstrumentItem("section\(i + 1)", "Section \(i + 1) (\(topic)) score 0–5", range: 0...5)
                       },
                       missingItemRule: .prorateSections(maxMissing: c.odiMaxMissingSections),
                       bands: [SeverityBand("minimal", from: 0), SeverityBand("moderate", from: 20, inclusive: false),
                               SeverityBand("severe", from: 40, inclusive: false), SeverityBand("crippled", from: 60, inclusive: false),
                               SeverityBand("bed-bound or exaggerating", from: 80, inclusive: false)],
                       bandsSource: "Fairbank & Pynsent 2000 [S14]",
                       meaningfulChange: MeaningfulChange(points: 10, percent: 30, citation: "Ostelo 2008 Spine 33:90 [S13]"),
                       source: "§1.5 [S14][S15]"),
            // §1.6 NDI: 10 items 0–5, raw 0–50, % = raw × 2 [S18]; missing item ← mean of answered (developer) [S18];
            // bands (raw) 0–4 none, 5–14 mild, 15–24 moderate, 25–34 severe, > 34 complete [S18];
            // MDC/MCID 5 raw points (10 %) [S18]. LOINC total 82237-9 [S61] (stored raw here; the IG stores %).
            Instrument(code: "NDI", name: "Neck Disability Index (raw 0–50)", loinc: "82237-9", range: 0...50,
                       direction: .higherIsWorse, kind: .scoreEntry,
                       items: [("pain intensity", "82227-0"), ("personal care", "82228-8"), ("lifting", "82229-6"), ("reading", "82230-4"),
                               ("headaches", "82231-2"), ("concentration", "82232-0"), ("work", "82233-8"), ("driving", "82234-6"),
                               ("sleeping", "82235-3"), ("recreation", "82236-1")].enumerated().map { i, t in
                           InstrumentItem("item\(i + 1)", "Item \(i + 1) (\(t.0)) score 0–5", loinc: t.1, range: 0...5)
                       },
                       missingItemRule: .imputeMeanOfAnswered(maxMissing: c.ndiMaxMissingItems),
                       bands: [SeverityBand("no disability", from: 0), SeverityBand("mild", from: 4, inclusive: false),
                               SeverityBand("moderate", from: 14, inclusive: false), SeverityBand("severe", from: 24, inclusive: false),
                               SeverityBand("complete", from: 34, inclusive: false)],
                       bandsSource: "Vernon [S18]",
                       meaningfulChange: MeaningfulChange(points: 5, citation: "Vernon, NDI developer note: 5 raw points (10 %) [S18]"),
                       source: "§1.6 Vernon & Mior 1991 [S18]; LOINC panel 82226-2 [S61]"),
            // §1.7 PROMIS Pain Interference T-score 77865-4 [S20][S61][S22]; higher = worse [S24c][S25].
            Instrument(code: "PROMIS-PI", name: "PROMIS Pain Interference (T-score)", loinc: "77865-4", range: c.promisTRange,
                       direction: .higherIsWorse, kind: .scoreEntry, missingItemRule: .scoreOnly,
                       bands: promisBands, bandsSource: "HealthMeasures symptom cut points [S23]",
                       meaningfulChange: MeaningfulChange(points: c.promisPainInterferenceMID,
                                                          citation: "Chen 2018: 2–3 T in pain samples [S26]; Amtmann 2016: 3.5–5.5 T in LBP [S27] (configurable)"),
                       source: "§1.7 [S20][S25]"),
            // §1.8 PROMIS Sleep Disturbance T-score; 77860-5 only from a secondary summary (⚠️); no MID (❓).
            Instrument(code: "PROMIS-SD", name: "PROMIS Sleep Disturbance (T-score)", loinc: "77860-5", range: c.promisTRange,
                       direction: .higherIsWorse, kind: .scoreEntry, missingItemRule: .scoreOnly,
                       bands: promisBands, bandsSource: "HealthMeasures symptom cut points [S23]",
                       meaningfulChange: c.promisSleepDisturbanceMID.map { MeaningfulChange(points: $0, citation: "configured (reference has no MID, §1.8)") },
                       source: "§1.8 [S22][S22c] (LOINC ⚠️)"),
            // §1.9 PSEQ: sum 0–60, higher = better [S28]; MIC 5.5 (Chiarotto 2016 [S28b]); SDC 12.67 (Vejlgaard 2021 [S28c]).
            Instrument(code: "PSEQ", name: "Pain Self-Efficacy Questionnaire (0–60)", range: 0...60, direction: .higherIsBetter,
                       kind: .scoreEntry, missingItemRule: .scoreOnly,
                       meaningfulChange: MeaningfulChange(points: 5.5, measurementError: 12.67,
                                                          citation: "Chiarotto 2016 J Pain 17:707 MIC 5.5 [S28b]; Vejlgaard 2021 SDC 12.67 [S28c]"),
                       source: "§1.9 Nicholas 2007 [S28]"),
            // §1.3 BPI-SF severity (mean of 4, 0–10) and interference (mean of 7, 0–10) [S7]; no LOINC (❓).
            Instrument(code: "BPI-SEVERITY", name: "BPI-SF pain severity (0–10)", range: 0...10, direction: .higherIsWorse,
                       kind: .scoreEntry, missingItemRule: .scoreOnly,
                       meaningfulChange: MeaningfulChange(points: c.bpiSeverityMID, citation: "Reed 2024: MIDs comparable to PEG [S3] (configurable)"),
                       source: "§1.3 [S7][S8]"),
            Instrument(code: "BPI-INTERFERENCE", name: "BPI-SF pain interference (0–10)", range: 0...10, direction: .higherIsWorse,
                       kind: .scoreEntry, missingItemRule: .scoreOnly,
                       meaningfulChange: MeaningfulChange(points: 1, citation: "IMMPACT, Dworkin 2008 J Pain 9:105: ≥ 1-point decrease [S6]"),
                       source: "§1.3 [S7][S8]; valid only if ≥ 4 of 7 items answered (checked on the licensed form)"),
        ]
    }
}
