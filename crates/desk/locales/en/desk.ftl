## Texts of the desk, in English.

plain = { $text }

duration-minutes = { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}
duration-seconds = { $seconds ->
    [one] { $seconds } second
   *[other] { $seconds } seconds
}
duration-hours = { $hours ->
    [one] { $hours } hour
   *[other] { $hours } hours
}

## Intake: why a request does not become a ticket.

intake-subject-required = Enter a subject.
intake-subject-too-long = The subject is longer than { $max ->
    [one] { $max } character
   *[other] { $max } characters
}.
intake-field-required = The regulation requires this field.
intake-unknown-category = Unknown category `{ $category }`; expected one of: { $expected }.
intake-unknown-channel = Unknown channel `{ $channel }`; expected one of: { $expected }.
intake-unofficial-channel = “{ $channel }” is not an official channel: requests through it are not registered. Official channels: { $official }.
intake-consultation-only = “{ $channel }” is for consultations only; an agent registers a ticket from a written request. Official channels: { $official }.
intake-outside-hours = “{ $channel }” accepts requests only during the hours of the “{ $schedule }” schedule.
intake-day-off = “{ $channel }” does not accept requests on a day off; on days off these are accepted: { $open }.
intake-day-off-none = “{ $channel }” does not accept requests on a day off.
intake-emergency-only = “{ $channel }” is for emergencies only: { $categories }.
intake-category-for-channel = Choose a category: “{ $channel }” accepts only emergencies: { $categories }.
intake-wrong-channel = You are writing through a “{ $kind }” channel; you cannot name a channel of another kind (`{ $channel }`).
intake-no-channel-of-kind = The regulation accepts no requests through a “{ $kind }” channel.
intake-not-trusted = “{ $channel }” accepts requests only from the organization's trusted contacts.
intake-owner-only = Requests of the category “{ $category }” are accepted only from the organization's owner contact.
intake-organization-required = Name the organization: a ticket without one is seen by no customer and cannot be billed.
intake-contact-required = Name the organization's contact.
intake-contact-elsewhere = The contact belongs to another organization.
intake-no-organization = There is no organization with id { $id }.
intake-no-contact = There is no contact with id { $id }.
intake-nul = The text contains a NUL character; remove it.
attach-empty = The file “{ $name }” is empty (0 bytes) and was not accepted.

## Actions and permissions.

customer-note = Customers have no internal notes: send a reply instead (`reply`).
permission-staff-only = Only support staff may do this.
permission-customer-only = Only the customer may do this.
permission-supervisors = Only supervisors and administrators may do this.
permission-admins = Only administrators may do this.
action-unknown-agent = There is no agent with id { $id }.
action-agent-inactive = The agent is deactivated.
action-link-relation = The relation must be `related`, `follow_up_of` or `followed_up_by`; split and merge make the others.
action-bad-term = { $error }
action-bad-rating = { $error }

## Clocks, as customers read them.

clock-state-pending = not started
clock-state-running = running
clock-state-paused = paused
clock-state-met = met in time
clock-state-breached = breached
clock-state-cancelled = cancelled: the ticket left the line, was closed or was rejected while the clock ran
clock-line-title = { $title }: { $state }
clock-line-term = Term: { $term }
clock-line-started = Started: { $at }
clock-line-counting-from = Counting from the next working time: { $at }
clock-line-pause = Paused: { $from } — { $to } ({ $why }), { $working } of working time
clock-line-pause-open = now
clock-line-extended = Extended by { $by }: { $reason }
clock-line-due = Due: { $at }
clock-line-stopped = Stopped: { $at }
clock-line-elapsed = Elapsed: { $elapsed }; remaining: { $remaining }
clock-line-counted = Counted: { $date } { $from }–{ $to } ({ $working })
clock-line-skipped = Skipped: { $date } ({ $weekday }) — { $why }
weekday-monday = Monday
weekday-tuesday = Tuesday
weekday-wednesday = Wednesday
weekday-thursday = Thursday
weekday-friday = Friday
weekday-saturday = Saturday
weekday-sunday = Sunday
day-weekend = weekend
day-not-in-schedule = not a working day of the schedule
day-holiday = public holiday ({ $name })
day-transferred-from = day off transferred from { $from }
day-transferred = transferred day off
day-presidential = non-working day by decree ({ $basis })
day-other = { $reason }
clock-line-provisional = Provisional: the production calendar for these years is not decreed yet.

## The queue.

queue-limit = Must be from 1 to 500.
queue-offset = Must not be negative.
queue-unknown = The regulation has no `{ $value }`.
search-too-long = The query is longer than 200 characters.
queue-view-agents-only = Only agents have their own tickets and lines.

## The directory.

dir-no-contract = No contract
dir-required = Required.
dir-bad-email = `{ $value }` is not an email address.
dir-password-short = The password is shorter than { $min ->
    [one] { $min } character
   *[other] { $min } characters
}.
dir-bad-date = `{ $value }` is not a date YYYY-MM-DD.
dir-bad-contract-rate = `{ $value }` is not an hourly price: give rubles from 0,01 to 1 000 000, such as 1800 or 1 800,50.
dir-contract-order = The contract cannot end before it begins (`contract_from`).
dir-unknown-tariff = Unknown tariff `{ $tariff }`; the regulation has: { $expected }.
dir-product-name = Product { $n } has no name.
dir-bad-role = Unknown role `{ $value }`; the roles are admin, supervisor and agent.
dir-unknown-line = Unknown line `{ $line }`; the regulation has: { $expected }.
dir-email-taken = The address { $email } already belongs to another account: one address, one account.
dir-self-deactivate = Administrators cannot deactivate their own account.

## Billing.

billing-bad-month = `{ $value }` is not a month YYYY-MM.
billing-none = The regulation has no billing rules.

## Signing in.

csrf-missing = Missing or wrong CSRF token (send `X-CSRF-Token`).

## HTTP answers.

http-not-found = No such resource.
http-wrong-credentials = Wrong email or password.
http-unauthorized = Sign in (the session has ended or the token is invalid) or send `Authorization: Bearer <token>`.
http-too-many-attempts = Too many wrong passwords for this account. Try again in { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}.
http-busy = The server is busy checking passwords; try again in a second.
http-unavailable = The database is unavailable; nothing was changed, try again shortly.
http-internal = An internal error occurred.
http-no-route = No such address; the API is described at /api/v1/openapi.json.
http-method = This address does not take this method.
http-too-large = The file “{ $name }” is larger than this server accepts ({ $max }).

## The lifecycle's refusals.

domain-transition = A ticket in status “{ $from }” cannot move to “{ $to }”.
domain-unknown-line = Unknown line `{ $id }`; the regulation has: { $expected }.
domain-unknown-priority = Unknown priority `{ $id }`; the regulation has: { $expected }.
domain-unknown-level = Unknown level `{ $id }`; the regulation has: { $expected }.
domain-unknown-status = Unknown status `{ $id }`; the regulation has: { $expected }.
domain-needs-reason = Moving to `{ $status }` needs a `reason`, one of: { $expected }.
domain-time-too-short = Logged time must be longer than zero.
domain-time-too-long = One entry is at most { $max } minutes (a day).
domain-time-seconds = Seconds beyond the minutes are 0 to 59, not { $value }.
domain-time-future = The work must have ended by now: its start plus its duration is in the future.
domain-time-too-old = Work can be logged at most { $days } days after it started.
action-bad-started = `{ $value }` is not a start date and time: give, for example, 2026-11-23T23:10.
domain-unknown-activity = Unknown activity `{ $id }`; the regulation has: { $expected }.
domain-unknown-target = Unknown target `{ $id }`.
domain-no-extension = The regulation allows no extension of “{ $target }”.
domain-already-met = “{ $target }” is already met: there is nothing to extend.
domain-extension-bound = Extending “{ $target }” by { $by } goes past the regulation's bound ({ $bound }).
domain-not-running = “{ $target }” is not running for this ticket.
domain-already-linked = The tickets are already linked (ticket { $id }).
domain-finished = The ticket in status `{ $status }` is finished: only open tickets are split or merged.
domain-empty-reply = Write the text of the reply.
domain-empty-objection = Explain what you disagree with: an objection needs its reasons.
domain-empty-reopening = Give the reason for reopening.
domain-empty-extension = Give the reason for the extension: the customer receives it.
domain-empty-priority-change = Give the reason for the priority change.
domain-empty-level-change = Give the reason for the level change.
domain-ratings-off = The regulation does not ask for ratings.
domain-not-ratable = The service can be rated once the ticket is completed.
http-body-too-large = The request body is larger than this server accepts.
http-bad-body = The request body could not be read (JSON expected): { $detail }
http-bad-query = The query could not be read: { $detail }
http-session-ended = The session has ended or the token is invalid: sign in again.

# Mail intake: why a message waits for an agent or changes nothing.
mail-unreadable = The message could not be read: { $why }
mail-spam = A spam filter marked the message as spam.
mail-automatic = An automatic message ({ $kind }): it neither opens nor reopens a ticket.
mail-unknown-sender = The sender { $email } is not a customer contact.
mail-unknown-sender-rejected = The sender { $email } is not a customer contact; the regulation does not register such mail.
mail-foreign-ticket = The subject names another organization's ticket, and the sender { $email } does not belong to it.
mail-no-subject = No subject
mail-refused = The message's ticket was not accepted: { $why }
mail-empty-reply = (empty message)
mail-not-held = This message is not held: it has been dealt with already.


# The regulation's ticket fields, as forms and mail name them.
field-organization = Organization
field-contact_name = Contact's full name
field-position = Position
field-phone = Phone
field-email = Email
field-contract_number = Contract number
field-state_contract_number = State contract number
field-subject = Subject
field-description = Description of the problem
field-steps_to_reproduce = Steps to reproduce
field-product = Product
field-product_version = Product version or edition
field-url = Page or site address
field-device_model = Phone model
field-os_version = OS version
field-reproducibility = Reproducibility
field-additional_info = Additional information
field-attachments = Attachments (screenshots, logs, video)
field-category = Category
mail-fields-hint = Reply to this message with the missing fields at the top of the text, each on its own line as “Field: value”:

# Outgoing mail. The subject carries the number; the body is Russian, then English.
mail-out-priority-line = Priority: { $priority }.
mail-out-subject-plain = Re: { $subject }
mail-out-unknown_sender = Hello,

    your message “{ $subject }” arrived, but the sender's address is not one of our customers' contacts, so no ticket was registered. A support agent has it.

    The official ways to reach support:
    { $channels }
mail-out-unknown_sender-rejected = Hello,

    your message “{ $subject }” arrived, but the sender's address is not one of our customers' contacts. Under the support regulation, requests are accepted only from customers' contacts, so no ticket was registered.

    The official ways to reach support:
    { $channels }
mail-out-refused = Hello,

    your message “{ $subject }” arrived, but no ticket can be registered from it:
    { $reasons }

    Please fix this and send it again.
mail-out-subject = [Ticket #{ $number }] { $subject }
mail-out-registered = Hello,

    your request “{ $subject }” is registered as { $number }.
    { $priority_line }Deadlines under the regulation:
    { $deadlines }

    To add to the ticket, reply to this message without changing the subject.
mail-out-reply = { $body }
mail-out-customer_reply = The customer replied on ticket { $number } “{ $subject }”:

    { $body }
mail-out-status = Ticket { $number } “{ $subject }” is now: { $status }. { $reason }
mail-out-extended = The deadline “{ $target }” of ticket { $number } is extended by { $by }. Reason: { $reason }
mail-out-assigned = Ticket { $number } “{ $subject }” is assigned to you.
mail-out-handed_over = Ticket { $number } “{ $subject }” was handed over to your line.
mail-out-attachment_rejected = The file “{ $file }” on ticket { $number } was not accepted: { $reason }
mail-out-warn = The deadline “{ $target }” of ticket { $number } “{ $subject }” is near.
mail-out-breach = The deadline “{ $target }” of ticket { $number } “{ $subject }” is breached.
mail-out-interim = We are still working on ticket { $number } “{ $subject }”.
mail-out-other = Ticket { $number } “{ $subject }” changed.
mail-link-ticket = The ticket on the portal
mail-link-confirm = Confirm it is done
mail-link-object = Object
mail-link-rate = Rate { $stars } of 5
mail-out-completed-ask = Please check the result: confirm it is done or object, and rate the work by the links below. No sign-in is needed; the links work for 30 days.
mail-out-extended-due = Expected by { $due }.

billing-unknown-activity = A time entry has the activity `{ $activity }`, which the regulation does not define ({ $expected }); no statement can be made until it is corrected.
billing-unknown-plan = The regulation has no plan `{ $plan }`.
billing-negative = The time entry of { $at } has a negative duration.
billing-calendar = The statement cannot be worked out on the production calendar: { $detail }
billing-too-long = The time entry of { $at } is longer than 31 days.
billing-no-contract-rate = The activity “{ $activity }” is priced by the contract, and the organization's contract has no hourly price. Set it on the organization's page.
domain-staff-only = Only support staff may { $action ->
    [register] register tickets
    [assign] assign tickets
    [hand-over] hand tickets over to another line
    [status] change the status
    [priority] change the priority
    [level] change the level
    [time] log time
    [extend] extend deadlines
    [reopen] reopen tickets
    [link] link tickets
    [merge] merge tickets
   *[other] do this
}.
domain-customer-only = Only the customer may { $action ->
    [confirm] confirm completion
    [object] object to completion
    [rate] rate the service
   *[other] do this
}.
domain-timer-only = Only the auto-close timer closes tickets automatically.
store-changed-meanwhile = The ticket has just been changed: reload the page and try again.
store-contact-email-taken = A contact with this email address already exists.
store-agent-email-taken = An agent with this email address already exists.
store-organization-name-taken = An organization with this name already exists.
store-ticket-number-taken = A ticket with this number already exists.
store-value-taken = This value is already taken.
store-same-ticket = A ticket cannot be linked or merged with itself.
store-other-organization = Tickets of different organizations cannot be linked or merged.
store-message-read = This message has already been processed.
attachment-too-big = The file “{ $file }” is larger than the allowed { $max }.
attachment-archive-only = .{ $ext } files are accepted only inside a ZIP or RAR archive.
attachment-type = Files like “{ $file }” are not accepted; allowed: { $allowed }.
attachment-total = The file “{ $file }” was not accepted: the files of one message exceed { $max } together.
attachment-disguised = The file “{ $file }” is really { $real }. { $rule }
limit-too-long = Too long: at most { $max } { $max ->
    [one] character
   *[other] characters
}.
limit-too-many = Too many: at most { $max }.
dir-self-demote = Administrators cannot take the administrator role from themselves.
dir-contact-role = Customer contacts have no roles.
identity-token-password = An API token has no password.
identity-wrong-password = The current password is wrong.
http-deadline = The answer took too long. Try again in a few seconds.
link-invalid = The link is damaged or not ours. Open the ticket on the portal.
link-expired = The link has expired. Open the ticket on the portal.
link-contact-gone = The link no longer works: the contact is deactivated.
mail-kind = { $kind ->
    [registered] Registration acknowledgment
    [reply] Agent's reply
    [customer_reply] Customer's reply
    [status] Status change
    [extended] Deadline extension
    [assigned] Assignment
    [handed_over] Hand-over to a line
    [attachment_rejected] File refused
    [warn] Deadline warning
    [breach] Deadline breach
    [interim] Interim notice
   *[other] Notice
}
mail-own-address = mail from our own address { $email }; not answered, to avoid a loop
reset-invalid = The password reset link is not valid or was used already. Ask for a new one.
reset-expired = The password reset link has expired. Ask for a new one.
mail-out-password_reset = Hello,

    someone (perhaps you) asked to change the password for signing in to support.
mail-out-password_reset-link = Set a new password (the link works for an hour, once)
mail-out-password_reset-ignore = If it was not you, do nothing: the password stays as it is.
mail-out-password_reset-subject = Password reset
report-period = Give a period: a month (month=YYYY-MM) or a first and last day (from and to, YYYY-MM-DD).
report-period-order = The period's last day is before its first.
report-period-long = A report covers at most { $days } days.
report-group = `{ $value }` is not a grouping; use target, month, organization, priority, level, line, category or agent.
report-unknown = `{ $value }` is not in the regulation; it has: { $expected }.
report-col-target = Target
report-col-group = Group
report-col-total = Total
report-col-met = Met
report-col-breached = Breached
report-col-running = Running
report-col-cancelled = Stopped, not counted
report-col-met-percent = Met, %
report-col-stopped = Stopped
report-col-median = Median (min)
report-col-p90 = 90th percentile (min)
report-minutes = { $n } min
report-hours = { $n } h
report-col-ratings = Ratings
report-col-average = Average
report-col-tickets = Tickets
report-col-open = Open
report-col-logged = Minutes logged
report-workload-group = `{ $value }` is not a workload grouping; use agent or line.
