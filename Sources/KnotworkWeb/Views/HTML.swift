import Foundation
import KnotworkCore
import Plot
import Vapor

/// Plot escapes text nodes but writes attribute values verbatim, so every value that can come from
/// a user goes through `esc` before it becomes an attribute (STYLE.md pattern 10).
func esc(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.count)
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(c)
        }
    }
    return out
}

/// Text nodes, escaped here in one pass (Plot would keep `&name;` sequences as entities, so that what was typed would not
/// show exactly; and its own escaping, over ours, cost a long chart page a tenth of its time).
func txt<C: HTMLContext>(_ s: String) -> Node<C> {
    .raw(escapeXML(s))
}

/// What every page's frame needs to know.
struct PageContext {
    var user: User?
    var csrfToken: String?
    var title: String
    var flash: String?
    /// Page-specific scripts (the pain map's), beside the one every page loads.
    var scripts: [String]
    /// The clinic's letterhead, on the pages that are printed as documents (records, notes, reports).
    var letterhead: ClinicIdentity?

    init(_ req: Request, title: String, flash: String? = nil, scripts: [String] = [], letterhead: ClinicIdentity? = nil) {
        self.user = req.principal?.user
        self.csrfToken = req.principal?.csrfToken
        self.title = title
        self.flash = flash
        self.scripts = scripts
        self.letterhead = letterhead
    }
}

enum Layout {
    /// The clinic's name, address, phone, fax and NPI as set; nothing when none is set. The tax id is for claims only.
    static func letterhead(_ id: ClinicIdentity) -> Node<HTML.BodyContext> {
        guard !id.isEmpty else { return .empty }
        let contact = [id.phone.map { "Phone " + $0 }, id.fax.map { "Fax " + $0 }, id.npi.map { "NPI " + $0 }].compactMap { $0 }
        return .div(.class("letterhead"), .id("letterhead"),
                    .unwrap(id.legalName) { .p(.class("letterhead-name"), txt($0)) },
                    .if(!id.addressLines.isEmpty, .p(txt(id.addressLines.joined(separator: " · ")))),
                    .if(!contact.isEmpty, .p(txt(contact.joined(separator: " · ")))))
    }

    static func page(_ ctx: PageContext, _ content: Node<HTML.BodyContext>...) -> HTML {
        HTML(
            .lang(.english),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                // Plot's `.title` also writes unescaped og:/twitter: meta tags; the plain element is escaped.
                .element(named: "title", nodes: [txt("\(ctx.title) · Knotwork")]),
                .link(.rel(.stylesheet), .href(Paths.stylesheet)),
                .script(.src(Paths.script), .attribute(named: "defer", value: nil, ignoreIfValueIsEmpty: false)),
                .forEach(ctx.scripts) { src in .script(.src(src), .attribute(named: "defer", value: nil, ignoreIfValueIsEmpty: false)) }
            ),
            .body(
                .a(.class("skip-link"), .href("#main"), .text("Skip to content")),
                .header(
                    .class("site-header"),
                    .a(.class("brand"), .href(Paths.home), .text("Knotwork")),
                    .unwrap(ctx.user) { user in
                        .group(
                            .nav(
                                .id("main-nav"), .attribute(named: "aria-label", value: "Main"),
                                .ul(
                                    .li(.a(.href(Paths.patients), .text("Patients"))),
                                    .li(.a(.href(Paths.schedule), .text("Schedule"))),
                                    .if(user.role.isClinician, .li(.a(.href(Paths.tasks), .text("My tasks")))),
                                    .if(user.role.isClinician, .li(.a(.href(Paths.inbox), .text("Inbox")))),
                                    .if(user.role == .admin, .group(
                                        .li(.a(.href(Paths.adminUsers), .text("Users"))),
                                        .li(.a(.href(Paths.adminAudit), .text("Audit"))),
                                        .li(.a(.href(Paths.adminSafetyRules), .text("Safety rules"))),
                                        .li(.a(.href(Paths.adminClinic), .text("Clinic settings"))),
                                        .li(.a(.href(Paths.adminOutbox), .text("Outbox"))),
                                        .li(.a(.href(Paths.adminCompliance), .text("Compliance")))
                                    )),
                                    .li(.a(.href(Paths.account), .text("My account")))
                                )
                            ),
                            .div(
                                .class("whoami"),
                                .span(txt(user.displayName), .text(" · "), .text(user.role.label)),
                                .form(
                                    .id("signout"), .method(.post), .action(Paths.signOut),
                                    csrfField(ctx.csrfToken),
                                    .button(.id("signout-submit"), .type(.submit), .class("link-button"), .text("Sign out"))
                                )
                            )
                        )
                    }
                ),
                .main(
                    .id("main"), .attribute(named: "tabindex", value: "-1"),
                    .unwrap(ctx.letterhead) { Self.letterhead($0) },
                    .unwrap(ctx.flash) { .p(.class("flash"), .attribute(named: "role", value: "status"), txt($0)) },
                    .group(content)
                ),
                .footer(.class("site-footer"), .p(.text("Knotwork · times in \(ClinicTime.clock.identifier) · synthetic demo data only")))
            )
        )
    }

    static func response(_ html: HTML, status: HTTPStatus = .ok) -> Response {
        let response = Response(status: status, body: .init(string: html.render()))
        response.headers.contentType = .html
        return response
    }
}

func csrfField<C: HTML.BodyContext>(_ token: String?) -> Node<C> {
    .input(.type(.hidden), .name("_csrf"), .value(esc(token ?? "")))
}

/// A summary of field errors at the top of a form, linked to each field (WCAG 3.3.1).
func errorSummary<C: HTML.BodyContext>(_ errors: [FieldError], formError: String? = nil) -> Node<C> {
    .if(!errors.isEmpty || formError != nil, .div(
        .id("form-errors"), .class("error-summary"), .attribute(named: "role", value: "alert"),
        .attribute(named: "tabindex", value: "-1"),
        .h2(.text(formError ?? "Please correct the following")),
        .ul(.forEach(errors) { e in .li(.a(.href("#" + esc(e.field)), txt(e.message))) })
    ))
}

/// A labelled input with its error message, announced with the field.
func field<C: HTML.BodyContext>(_ name: String, _ label: String, value: String?, errors: [FieldError], type: HTMLInputType = .text,
           required: Bool = false, autocomplete: String? = nil, hint: String? = nil) -> Node<C> {
    let mine = errors.filter { $0.field == name }
    let describedBy = [hint.map { _ in name + "-hint" }, mine.isEmpty ? nil : name + "-error"].compactMap { $0 }.joined(separator: " ")
    return .div(
        .class(mine.isEmpty ? "field" : "field has-error"),
        .label(.for(name), .text(label), .if(required, .span(.class("required"), .text(" (required)")))),
        .unwrap(hint) { .p(.id(name + "-hint"), .class("hint"), txt($0)) },
        .forEach(mine) { e in .p(.id(name + "-error"), .class("error"), txt(e.message)) },
        .input(
            .type(type), .id(name), .name(name), .value(esc(value ?? "")),
            .required(required),
            .attribute(named: "aria-invalid", value: mine.isEmpty ? "" : "true"),
            .attribute(named: "aria-describedby", value: describedBy),
            .attribute(named: "autocomplete", value: autocomplete ?? "")
        )
    )
}

func selectField<C: HTML.BodyContext>(_ name: String, _ label: String, options: [(value: String, label: String)], selected: String?,
                 errors: [FieldError], required: Bool = false) -> Node<C> {
    let mine = errors.filter { $0.field == name }
    return .div(
        .class(mine.isEmpty ? "field" : "field has-error"),
        .label(.for(name), .text(label), .if(required, .span(.class("required"), .text(" (required)")))),
        .forEach(mine) { e in .p(.id(name + "-error"), .class("error"), txt(e.message)) },
        .select(
            .id(name), .attribute(named: "name", value: name),
            .attribute(named: "aria-invalid", value: mine.isEmpty ? "" : "true"),
            .attribute(named: "aria-describedby", value: mine.isEmpty ? "" : name + "-error"),
            .forEach(options) { o in
                option(o.value, o.label, selected: o.value == (selected ?? ""))
            }
        )
    )
}

enum ErrorPage {
    static func response(status: HTTPStatus, detail: String?, request: Request) -> Response {
        let title = status == .notFound ? "Not found" : status.reasonPhrase
        let message = status == .notFound
            ? "There is nothing here, or you do not have access to it."
            : (detail ?? "The request could not be completed.")
        let html = Layout.page(
            PageContext(request, title: title),
            .h1(.text(title)),
            .p(txt(message)),
            .p(.a(.href(Paths.home), .text("Back to patients")))
        )
        return Layout.response(html, status: status)
    }
}

/// Plot's `.option` is self-closing with a label attribute; screen readers and axe want the text inside.
func option<C: HTMLContext>(_ value: String, _ label: String, selected: Bool) -> Node<C> {
    .element(named: "option", nodes: [
        .attribute(named: "value", value: esc(value), ignoreIfValueIsEmpty: false),
        .attribute(named: "selected", value: selected ? "selected" : ""),
        txt(label),
    ])
}

func legend<C: HTMLContext>(_ text: String) -> Node<C> {
    .element(named: "legend", nodes: [txt(text)])
}
