import Foundation
import KnotworkCore
import KnotworkStore
import Plot

enum AuditViews {
    static func report(params: AdminController.AuditParams, query: AuditQuery, errors: [FieldError], page: ResultPage<AuditRow>?) -> Node<HTML.BodyContext> {
        let columns: [(AuditQuery.SortColumn, String)] = [
            (.time, "Time (UTC)"), (.user, "User"), (.role, "Role"), (.action, "Action"), (.patient, "Patient"),
            (.entity, "Entity"), (.outcome, "Outcome"), (.address, "Address"),
        ]
        func link(sort: String? = nil, dir: String? = nil, page: Int? = nil, base: String = Paths.adminAudit) -> String {
            Paths.query(base, [("from", params.from), ("to", params.to), ("user", params.user), ("patient", params.patient),
                               ("action", params.action), ("breakGlass", params.breakGlass), ("sort", sort ?? params.sort),
                               ("dir", dir ?? params.dir), ("page", page.map(String.init))])
        }
        return .group(
            .div(.class("page-title"), .h1(.text("Audit report")),
                 .a(.class("button"), .id("verify-link"), .href(Paths.adminAuditVerify), .text("Verify the chain"))),
            errorSummary(errors),
            .form(
                .id("audit-filter"), .method(.get), .action(Paths.adminAudit),
                .div(
                    .class("search-grid"),
                    field("from", "From", value: params.from, errors: errors, type: .date),
                    field("to", "To", value: params.to, errors: errors, type: .date),
                    field("user", "Username", value: params.user, errors: errors),
                    field("patient", "Patient record number", value: params.patient, errors: errors),
                    selectField("action", "Action", options: [("", "Any")] + AuditAction.allCases.map { ($0.rawValue, $0.rawValue) },
                                selected: params.action, errors: errors)
                ),
                .div(.class("field checkbox"),
                     .input(.type(.checkbox), .id("breakGlass"), .name("breakGlass"), .value("1"), .checked(query.breakGlassOnly)),
                     .label(.for("breakGlass"), .text("Emergency access only"))),
                .button(.type(.submit), .class("primary"), .text("Filter")),
                .a(.class("button"), .id("csv-export"), .href(esc(link(base: Paths.adminAuditCSV))), .text("Export CSV"))
            ),
            .unwrap(page) { page in
                .section(
                    .h2(.text("\(page.total) event\(page.total == 1 ? "" : "s")")),
                    .div(.class("table-wrap"), .table(
                        .id("audit-events"),
                        .thead(.tr(.forEach(columns) { col, label in
                            let active = query.sort == col
                            let nextDir = active && query.descending ? "asc" : "desc"
                            return .th(
                                .attribute(named: "scope", value: "col"),
                                .if(active, .attribute(named: "aria-sort", value: query.descending ? "descending" : "ascending")),
                                .a(.href(esc(link(sort: col.rawValue, dir: nextDir, page: 1))), .text(label),
                                   .if(active, .text(query.descending ? " ▼" : " ▲")))
                            )
                        })),
                        .tbody(.forEach(page.items) { r in
                            .tr(
                                .class(r.isBreakGlass ? "break-glass-row" : (r.outcome == "success" ? "" : "failed-row")),
                                .td(.text(r.occurredAt)), .td(txt(r.username)), .td(.text(r.role)),
                                .td(.text(r.action), .if(r.isBreakGlass, .strong(.class("flag"), .text(" EMERGENCY ACCESS")))),
                                .td(.text(r.patientID.map { String($0.prefix(8)) } ?? "")), .td(txt(r.entity)),
                                .td(.text(r.outcome)), .td(txt(r.clientAddress))
                            )
                        })
                    )),
                    .if(page.pageCount > 1, .nav(
                        .id("pagination"), .attribute(named: "aria-label", value: "Pages"),
                        .if(page.page > 1, .a(.href(esc(link(page: page.page - 1))), .text("Previous"))),
                        .span(.text(" Page \(page.page) of \(page.pageCount) ")),
                        .if(page.page < page.pageCount, .a(.href(esc(link(page: page.page + 1))), .text("Next")))
                    ))
                )
            }
        )
    }
}
