import Foundation
import KnotworkCore
import KnotworkStore
import Plot
import Vapor

/// The session-note pages: a new note (copied forward from the last signed one), saving a draft or signing it,
/// the signed note with its addenda.
struct NoteController {
    @Sendable func new(req: Request) async throws -> Response {
        let p = try req.requirePrincipal()
        let visit = (try? req.query.get(String.self, at: "appointment")).flatMap(UUID.init(uuidString:))
        let c = try await CareActions.noteContext(nil, appointmentID: visit, on: req)
        // A visit whose note is already started opens that note: one visit, one note.
        if let linked = c.appointment?.noteID {
            return req.redirect(to: Paths.note(c.patient.id, linked), redirectType: .normal)
        }
        // Copy forward: the last signed note's treatment, without its times, pain scores or acknowledgements.
        var copied: SessionNoteInput?
        if let last = c.lastSigned, let note = try? last.decode(SessionNote.self) {
            copied = note.input.reusablePart(wording: false)
        }
        // Or a template the therapist chose (theirs or a shared one).
        var template: NoteTemplate?
        if let id = (try? req.query.get(String.self, at: "template")).flatMap(UUID.init(uuidString:)) {
            guard let found = c.templates.first(where: { $0.id == id }) else { throw Abort(.notFound) }
            template = found
        }
        var start = template?.body ?? copied
        // Started from a visit: its times are the session's until the therapist changes them.
        if let a = c.appointment?.appointment {
            var visit = start ?? SessionNoteInput()
            visit.timeIn = a.start
            visit.timeOut = a.end
            start = visit
        }
        let html = Layout.page(PageContext(req, title: "Session note · \(c.patient.displayName)", scripts: [Paths.noteScript], letterhead: try await CareActions.letterhead(on: req)),
                               NoteViews.newPage(c, input: start, key: UUID().uuidString.lowercased(), copied: template == nil && copied != nil,
                                                 template: template, errors: [], csrf: p.csrfToken, viewer: p.user))
        return Layout.response(html)
    }

    /// Saves the draft (always, so nothing typed is lost) and, when asked, signs it.
    @Sendable func save(req: Request) async throws -> Response {
        let p = try req.requirePrincipal()
        let ctx = try req.requirePatient()
        let form = FormFields(req)
        let key = form["idempotencyKey"] ?? ""
        let visit = form["appointmentId"].flatMap(UUID.init(uuidString:))
        func again(_ errors: [FieldError], _ input: SessionNoteInput?) async throws -> Response {
            let c = try await CareActions.noteContext(nil, appointmentID: visit, on: req)
            let html = Layout.page(PageContext(req, title: "Session note · \(c.patient.displayName)", scripts: [Paths.noteScript], letterhead: try await CareActions.letterhead(on: req)),
                                   NoteViews.newPage(c, input: input, key: key, copied: false, template: nil, errors: errors, csrf: p.csrfToken,
                                                     viewer: p.user))
            return Layout.response(html, status: .unprocessableEntity)
        }
        let input: SessionNoteInput
        do {
            input = try NoteForms.note(form, clock: req.clinicClock)
        } catch let v as ValidationFailure {
            return try await again(v.errors, nil)
        }
        let request = CareActions.NoteRequest(idempotencyKey: key, planId: form["planId"].flatMap(UUID.init(uuidString:)), appointmentId: visit,
                                              kind: "session", note: input)
        let note: StoredNote
        do {
            note = try await CareActions.saveDraft(request, on: req).note
        } catch let v as ValidationFailure {
            return try await again(v.errors, input)
        }
        if !note.isSigned, form["intent"] == "template" {
            do {
                _ = try await CareActions.saveTemplate(NoteTemplateInput(name: form["templateName"], shared: form.flag("templateShared"), note: input), on: req)
            } catch let v as ValidationFailure {
                return try await again(v.errors.map { FieldError("template." + $0.field, $0.message) }, input)
            }
            return req.redirect(to: Paths.note(ctx.patientID, note.id) + "?saved=template", redirectType: .normal)
        }
        if note.isSigned || form["intent"] != "sign" {
            return req.redirect(to: Paths.note(ctx.patientID, note.id) + (note.isSigned ? "" : "?saved=1"), redirectType: .normal)
        }
        do {
            let coverage = CoverageDecision(orderId: form["orderId"].flatMap(UUID.init(uuidString:)),
                                            authorizationId: form["authorizationId"].flatMap(UUID.init(uuidString:)),
                                            changeReason: form["changeReason"], overrideReason: form["overrideReason"])
            _ = try await CareActions.sign(note.id, coverage: coverage, on: req)
            return req.redirect(to: Paths.note(ctx.patientID, note.id), redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await again(v.errors, input)
        }
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await self.showPage(req, errors: [])
    }

    func showPage(_ req: Request, errors: [FieldError]) async throws -> Response {
        let p = try req.requirePrincipal()
        let c = try await CareActions.noteContext(try req.pathID("noteID"), on: req)
        guard let note = c.note else { throw Abort(.notFound) }
        let body: Node<HTML.BodyContext> = note.isSigned
            ? NoteViews.signedPage(c, note: note, addenda: c.addenda, errors: errors, csrf: p.csrfToken, viewer: p.user,
                                   signatureLines: try await CareActions.signatureLines(of: note, on: req))
            : NoteViews.newPage(c, input: try? note.decode(SessionNoteInput.self), key: note.idempotencyKey, copied: false, template: nil, errors: errors,
                                csrf: p.csrfToken, viewer: p.user)
        let saved = try? req.query.get(String.self, at: "saved")
        let flash = saved == "1" ? "Draft saved." : saved == "template" ? "Draft saved, and its treatment saved as a template." : nil
        return Layout.response(Layout.page(PageContext(req, title: "Session note · \(c.patient.displayName)", flash: flash, scripts: [Paths.noteScript], letterhead: try await CareActions.letterhead(on: req)), body),
                               status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    @Sendable func addAddendum(req: Request) async throws -> Response {
        let ctx = try req.requirePatient()
        let id = try req.pathID("noteID")
        do {
            _ = try await CareActions.addAddendum(id, SessionNoteAddendumInput(text: FormFields(req)["text"]), on: req)
            return req.redirect(to: Paths.note(ctx.patientID, id) + "#addenda", redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await self.showPage(req, errors: v.errors)
        }
    }
}
