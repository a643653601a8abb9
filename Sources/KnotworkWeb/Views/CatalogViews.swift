import Foundation
import KnotworkCore
import Plot

/// The ICD-10-CM code set on the pages: the suggestion list beside a diagnosis field and the code search page.
enum CatalogViews {
    typealias V = AssessmentViews
    static let icd10ListID = "icd10-codes"

    /// The clinic's favourites valid on the date; icd10.js refills it from the whole set as the person types, reading
    /// the date of service from `dateField`. Without the script any code can still be typed and is checked on save.
    static func icd10List<C: HTML.BodyContext>(on date: CalendarDate, dateField: String) -> Node<C> {
        .group(
            .element(named: "datalist", nodes: [.attribute(named: "id", value: self.icd10ListID),
                                               .attribute(named: "data-date-field", value: dateField),
                .forEach(ICD10Catalog.favourites.filter { $0.isValid(on: date) }) { code in
                    .element(named: "option", nodes: [.attribute(named: "value", value: esc(code.code)), txt(code.description)])
                }]),
            .p(.class("hint"), .text("Type a code or words; the clinic's favourites are offered first. "),
               .a(.href(Paths.icd10Search), .attribute(named: "target", value: "_blank"), .text("Search the whole ICD-10-CM code set")))
        )
    }

    static func icd10Page(_ query: ICD10Query?, results: [ICD10Code], errors: [FieldError], form: [String: String]) -> Node<HTML.BodyContext> {
        .group(
            .h1("ICD-10-CM codes"),
            .p(.class("hint"), .text("The code set published by the Centers for Medicare & Medicaid Services and the CDC's National Center "
                + "for Health Statistics for each fiscal year (from 1 October), FY2021 on. A code is valid for a date of service when "
                + "it is billable in the release in force on that date.")),
            errorSummary(errors),
            .form(.method(.get), .action(Paths.icd10Search), .attribute(named: "role", value: "search"),
                .div(.class("row"),
                     V.input("q", "q", "Code or words", value: form["q"], errors: errors),
                     V.input("on", "on", "Date of service", value: form["on"] ?? query?.date.description, errors: errors, type: .date)),
                .button(.type(.submit), .text("Search"))),
            .unwrap(query) { q in
                .group(
                    .p(.id("icd10-count"), txt(results.isEmpty ? "No code matches." : "\(results.count) code\(results.count == 1 ? "" : "s")"
                        + (results.count == q.limit ? " (the first \(q.limit))" : "") + ", codes valid on \(q.date) first.")),
                    .if(!results.isEmpty, .table(.id("icd10-results"),
                        .thead(.tr(.th("Code"), .th("Description"), .th("On \(q.date)"), .th("Note"))),
                        .tbody(.forEach(results) { c in
                            .tr(.td(.strong(txt(c.code))),
                                .td(txt(c.description + (ICD10Catalog.codes.isFavourite(c) ? " (favourite)" : ""))),
                                .td(txt(self.validity(c, on: q.date))),
                                .td(txt(c.note)))
                        }))))
            }
        )
    }

    static func validity(_ c: ICD10Code, on date: CalendarDate) -> String {
        if c.isValid(on: date) { return "valid" }
        if let from = c.validFrom, date < from { return "not yet (from \(from))" }
        if let to = c.validTo, date > to { return "deleted (last \(to))" }
        return "header, not billable"
    }
}
