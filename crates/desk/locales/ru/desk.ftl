## Texts of the desk, in Russian: what customers and agents read.

plain = { $text }

duration-minutes = { $minutes ->
    [one] { $minutes } минута
    [few] { $minutes } минуты
   *[many] { $minutes } минут
}
duration-seconds = { $seconds ->
    [one] { $seconds } секунда
    [few] { $seconds } секунды
   *[many] { $seconds } секунд
}
duration-hours = { $hours ->
    [one] { $hours } час
    [few] { $hours } часа
   *[many] { $hours } часов
}

## Intake: why a request does not become a ticket.

intake-subject-required = Укажите тему обращения.
intake-subject-too-long = Тема длиннее { $max ->
    [one] { $max } символа
   *[other] { $max } символов
}.
intake-field-required = Поле обязательно по регламенту.
intake-unknown-category = Неизвестная категория `{ $category }`; допустимые: { $expected }.
intake-unknown-channel = Неизвестный канал `{ $channel }`; допустимые: { $expected }.
intake-unofficial-channel = «{ $channel }» — неофициальный канал: обращения через него не регистрируются. Официальные каналы: { $official }.
intake-consultation-only = Через «{ $channel }» даются только консультации; заявку регистрирует сотрудник по письменному обращению. Официальные каналы: { $official }.
intake-outside-hours = «{ $channel }» принимает обращения только в часы графика «{ $schedule }».
intake-day-off = В нерабочий день «{ $channel }» не принимает обращения; в нерабочие дни принимаются: { $open }.
intake-day-off-none = В нерабочий день «{ $channel }» не принимает обращения.
intake-emergency-only = «{ $channel }» — только для экстренных обращений: { $categories }.
intake-category-for-channel = Укажите категорию: «{ $channel }» принимает только экстренные обращения: { $categories }.
intake-wrong-channel = Вы обращаетесь через канал типа «{ $kind }»; нельзя указать канал другого типа (`{ $channel }`).
intake-no-channel-of-kind = Регламент не принимает обращения через канал типа «{ $kind }».
intake-not-trusted = Через «{ $channel }» обращения принимаются только от доверенных лиц организации.
intake-owner-only = Обращения категории «{ $category }» принимаются только от владельца (ответственного лица) организации.
intake-organization-required = Укажите организацию: заявку без организации не увидит ни один клиент и её нельзя учесть в акте.
intake-contact-required = Укажите контактное лицо организации.
intake-contact-elsewhere = Контактное лицо относится к другой организации.
intake-no-organization = Организации с номером { $id } нет.
intake-no-contact = Контактного лица с номером { $id } нет.
intake-nul = Текст содержит нулевой символ (NUL); уберите его.
attach-empty = Файл «{ $name }» пуст (0 байт) и не принят.

## Actions and permissions.

customer-note = У клиентов нет внутренних заметок: отправьте ответ (`reply`).
permission-staff-only = Это могут делать только сотрудники поддержки.
permission-customer-only = Это может делать только клиент.
permission-supervisors = Это могут делать только руководители поддержки и администраторы.
permission-admins = Это могут делать только администраторы.
action-unknown-agent = Сотрудника с номером { $id } нет.
action-agent-inactive = Сотрудник отключён.
action-link-relation = Связь должна быть `related`, `follow_up_of` или `followed_up_by`; для остальных есть разделение и объединение.
action-bad-term = { $error }
action-bad-rating = { $error }

## Clocks, as customers read them.

clock-state-pending = отсчёт не начат
clock-state-running = идёт отсчёт
clock-state-paused = отсчёт приостановлен
clock-state-met = норматив выполнен
clock-state-breached = норматив нарушен
clock-state-cancelled = отсчёт отменён: заявка ушла с линии, закрыта или отклонена, пока срок шёл
clock-line-title = { $title }: { $state }
clock-line-term = Норматив: { $term }
clock-line-started = Отсчёт начат: { $at }
clock-line-counting-from = Отсчёт идёт с ближайшего рабочего времени: { $at }
clock-line-pause = Пауза: { $from } — { $to } ({ $why }), { $working } рабочего времени
clock-line-pause-open = сейчас
clock-line-extended = Срок продлён на { $by }: { $reason }
clock-line-due = Срок: { $at }
clock-line-stopped = Остановлен: { $at }
clock-line-elapsed = Затрачено: { $elapsed }; осталось: { $remaining }
clock-line-counted = Учтено: { $date } { $from }–{ $to } ({ $working })
clock-line-skipped = Пропущено: { $date } ({ $weekday }) — { $why }
weekday-monday = понедельник
weekday-tuesday = вторник
weekday-wednesday = среда
weekday-thursday = четверг
weekday-friday = пятница
weekday-saturday = суббота
weekday-sunday = воскресенье
day-weekend = выходной
day-not-in-schedule = нерабочий день по графику
day-holiday = праздник ({ $name })
day-transferred-from = выходной, перенесённый с { $from }
day-transferred = перенесённый выходной
day-presidential = нерабочий день по указу ({ $basis })
day-other = { $reason }
clock-line-provisional = Срок предварительный: производственный календарь на эти годы ещё не утверждён.

## The queue.

queue-limit = Должно быть от 1 до 500.
queue-offset = Не может быть отрицательным.
queue-unknown = В регламенте нет значения `{ $value }`.
search-too-long = Запрос длиннее 200 символов.
queue-view-agents-only = Свои заявки и линия есть только у сотрудников поддержки.

## The directory.

dir-no-contract = Без договора
dir-required = Обязательное поле.
dir-bad-email = `{ $value }` — не адрес электронной почты.
dir-password-short = Пароль короче { $min ->
    [one] { $min } символа
   *[other] { $min } символов
}.
dir-bad-date = `{ $value }` — не дата в формате ГГГГ-ММ-ДД.
dir-bad-contract-rate = `{ $value }` — не цена за час: укажите сумму в рублях от 0,01 до 1 000 000, например 1800 или 1 800,50.
dir-contract-order = Договор не может закончиться раньше, чем начался (`contract_from`).
dir-unknown-tariff = Неизвестный тариф `{ $tariff }`; в регламенте: { $expected }.
dir-product-name = У продукта № { $n } нет названия.
dir-bad-role = Неизвестная роль `{ $value }`; роли: admin (администратор), supervisor (руководитель поддержки), agent (сотрудник).
dir-unknown-line = Неизвестная линия `{ $line }`; в регламенте: { $expected }.
dir-email-taken = Адрес { $email } уже принадлежит другой учётной записи: у одного адреса одна учётная запись.
dir-self-deactivate = Нельзя отключить собственную учётную запись администратора.

## Billing.

billing-bad-month = `{ $value }` — не месяц в формате ГГГГ-ММ.
billing-none = В регламенте нет правил тарификации.

## Signing in.

csrf-missing = Нет CSRF-токена или он неверен (передайте `X-CSRF-Token`).

## HTTP answers.

http-not-found = Такого объекта нет.
http-wrong-credentials = Неверный адрес электронной почты или пароль.
http-unauthorized = Войдите в систему (сеанс закончился или токен недействителен) или передайте `Authorization: Bearer <token>`.
http-too-many-attempts = Слишком много неверных паролей для этой учётной записи. Повторите через { $minutes ->
    [one] { $minutes } минуту
    [few] { $minutes } минуты
   *[many] { $minutes } минут
}.
http-busy = Сервер занят проверкой паролей; повторите через секунду.
http-unavailable = База данных недоступна; ничего не изменено, повторите чуть позже.
http-internal = Внутренняя ошибка сервера.
http-no-route = Такого адреса нет; API описан в /api/v1/openapi.json.
http-method = Этот адрес не принимает такой метод.
http-too-large = Файл «{ $name }» больше, чем принимает сервер ({ $max }).

## The lifecycle's refusals.

domain-transition = Заявка в статусе «{ $from }» не может перейти в «{ $to }».
domain-unknown-line = Неизвестная линия `{ $id }`; в регламенте: { $expected }.
domain-unknown-priority = Неизвестный приоритет `{ $id }`; в регламенте: { $expected }.
domain-unknown-level = Неизвестный уровень `{ $id }`; в регламенте: { $expected }.
domain-unknown-status = Неизвестный статус `{ $id }`; в регламенте: { $expected }.
domain-needs-reason = Для перехода в `{ $status }` укажите причину (`reason`): { $expected }.
domain-time-too-short = Учтённое время должно быть больше нуля.
domain-time-too-long = Одна запись — не больше { $max } минут (суток).
domain-time-seconds = Секунд сверх минут — от 0 до 59, а не { $value }.
domain-time-future = Работа должна уже закончиться: начало плюс длительность приходится на будущее.
domain-time-too-old = Работу можно учесть не позже чем через { $days } дней после её начала.
action-bad-started = `{ $value }` — не дата и время начала: укажите, например, 2026-11-23T23:10.
domain-unknown-activity = Неизвестный вид работ `{ $id }`; в регламенте: { $expected }.
domain-unknown-target = Неизвестный норматив `{ $id }`.
domain-no-extension = Регламент не разрешает продлевать «{ $target }».
domain-already-met = «{ $target }» уже выполнен: продлевать нечего.
domain-extension-bound = Продление «{ $target }» на { $by } выходит за предел регламента ({ $bound }).
domain-not-running = Отсчёт «{ $target }» по этой заявке не идёт.
domain-already-linked = Заявки уже связаны (заявка { $id }).
domain-finished = Заявка в статусе `{ $status }` завершена: разделять и объединять можно только открытые заявки.
domain-empty-reply = Напишите текст ответа.
domain-empty-objection = Объясните, с чем вы не согласны: несогласие принимается только с обоснованием.
domain-empty-reopening = Укажите причину возобновления.
domain-empty-extension = Укажите причину продления срока: её получит клиент.
domain-empty-priority-change = Укажите причину изменения приоритета.
domain-empty-level-change = Укажите причину изменения уровня.
domain-ratings-off = Регламент не предусматривает оценку обслуживания.
domain-not-ratable = Оценить работу можно после того, как заявка выполнена.
http-body-too-large = Тело запроса больше, чем принимает сервер.
http-bad-body = Тело запроса не разобрано (ожидается JSON): { $detail }
http-bad-query = Параметры запроса не разобраны: { $detail }
http-session-ended = Сеанс закончился или токен недействителен: войдите снова.

# Mail intake: why a message waits for an agent or changes nothing.
mail-unreadable = Письмо не удалось прочитать: { $why }
mail-spam = Спам-фильтр пометил письмо как спам.
mail-automatic = Автоматическое письмо ({ $kind }): заявку не открывает и не возобновляет.
mail-unknown-sender = Отправитель { $email } не найден среди контактных лиц клиентов.
mail-unknown-sender-rejected = Отправитель { $email } не найден среди контактных лиц клиентов; по регламенту такие письма не регистрируются.
mail-foreign-ticket = В теме номер заявки другой организации, а отправитель { $email } к ней не относится.
mail-no-subject = Без темы
mail-refused = Заявка по письму не принята: { $why }
mail-empty-reply = (пустое письмо)
mail-not-held = Это письмо не ждёт решения: его уже разобрали.


# The regulation's ticket fields, as forms and mail name them.
field-organization = Организация
field-contact_name = ФИО контактного лица
field-position = Должность
field-phone = Телефон
field-email = Электронная почта
field-contract_number = Номер договора
field-state_contract_number = № государственного контракта
field-subject = Тема
field-description = Описание проблемы
field-steps_to_reproduce = Шаги для воспроизведения
field-product = Продукт
field-product_version = Версия или редакция продукта
field-url = Адрес страницы или сайта
field-device_model = Модель телефона
field-os_version = Версия ОС
field-reproducibility = Воспроизводимость
field-additional_info = Дополнительная информация
field-attachments = Вложения (скриншоты, журналы, видео)
field-category = Категория обращения
mail-fields-hint = Ответьте на это письмо, дописав в начало текста недостающие поля — каждое с новой строки, в виде «Поле: значение»:

# Outgoing mail. The subject carries the number; the body is Russian, then English.
mail-out-priority-line = Приоритет: { $priority }.
mail-out-subject-plain = Re: { $subject }
mail-out-unknown_sender = Здравствуйте!

    Ваше письмо «{ $subject }» получено, но адрес отправителя не найден среди контактных лиц наших клиентов, поэтому заявка не зарегистрирована. Письмо передано сотруднику поддержки.

    Официальные способы обращения:
    { $channels }
mail-out-unknown_sender-rejected = Здравствуйте!

    Ваше письмо «{ $subject }» получено, но адрес отправителя не найден среди контактных лиц наших клиентов. По регламенту технической поддержки заявки принимаются только от контактных лиц клиентов, поэтому заявка не зарегистрирована.

    Официальные способы обращения:
    { $channels }
mail-out-refused = Здравствуйте!

    Ваше письмо «{ $subject }» получено, но заявку по нему зарегистрировать нельзя:
    { $reasons }

    Исправьте, пожалуйста, и отправьте письмо ещё раз.
mail-out-subject = [Заявка #{ $number }] { $subject }
mail-out-registered = Здравствуйте!

    Ваше обращение «{ $subject }» зарегистрировано под номером { $number }.
    { $priority_line }Сроки по регламенту:
    { $deadlines }

    Чтобы дополнить заявку, ответьте на это письмо, не меняя тему.
mail-out-reply = { $body }
mail-out-customer_reply = Клиент ответил по заявке { $number } «{ $subject }»:

    { $body }
mail-out-status = Статус заявки { $number } «{ $subject }»: { $status }. { $reason }
mail-out-extended = Срок «{ $target }» по заявке { $number } продлён на { $by }. Причина: { $reason }
mail-out-assigned = Вам назначена заявка { $number } «{ $subject }».
mail-out-handed_over = Заявка { $number } «{ $subject }» передана на вашу линию.
mail-out-attachment_rejected = Файл «{ $file }» к заявке { $number } не принят: { $reason }
mail-out-warn = Скоро истекает срок «{ $target }» по заявке { $number } «{ $subject }».
mail-out-breach = Нарушен срок «{ $target }» по заявке { $number } «{ $subject }».
mail-out-interim = Мы продолжаем работать над заявкой { $number } «{ $subject }».
mail-out-other = Заявка { $number } «{ $subject }» изменилась.
mail-link-ticket = Заявка на портале
mail-link-confirm = Подтвердить выполнение
mail-link-object = Возразить
mail-link-rate = Оценка { $stars } из 5
mail-out-completed-ask = Проверьте, пожалуйста, результат: подтвердите выполнение или возразите и оцените работу по ссылкам ниже. Входить на портал не нужно; ссылки действуют 30 дней.
mail-out-extended-due = Ожидаемый срок: { $due }.

billing-unknown-activity = В учёте времени есть вид работ `{ $activity }`, которого нет в регламенте ({ $expected }); выписку нельзя составить, пока запись не исправлена.
billing-unknown-plan = Тарифного плана `{ $plan }` нет в регламенте.
billing-negative = Запись учёта времени от { $at } имеет отрицательную длительность.
billing-calendar = Выписку нельзя рассчитать по производственному календарю: { $detail }
billing-too-long = Запись учёта времени от { $at } длиннее 31 дня.
billing-no-contract-rate = Вид работ «{ $activity }» оплачивается по ставке договора, а в договоре организации ставка за час не указана. Укажите её на странице организации.
domain-staff-only = { $action ->
    [register] Регистрировать заявки
    [assign] Назначать исполнителя
    [hand-over] Передавать заявку на другую линию
    [status] Менять статус
    [priority] Менять приоритет
    [level] Менять уровень
    [time] Учитывать время
    [extend] Продлевать сроки
    [reopen] Возобновлять заявки
    [link] Связывать заявки
    [merge] Объединять заявки
   *[other] Это
} может только сотрудник поддержки.
domain-customer-only = { $action ->
    [confirm] Подтвердить выполнение
    [object] Не согласиться с выполнением
    [rate] Оценить работу
   *[other] Это
} может только клиент.
domain-timer-only = Автоматически заявки закрывает только таймер автозакрытия.
store-changed-meanwhile = Заявку только что изменили: обновите страницу и повторите.
store-contact-email-taken = Контакт с таким адресом электронной почты уже есть.
store-agent-email-taken = Сотрудник с таким адресом электронной почты уже есть.
store-organization-name-taken = Организация с таким названием уже есть.
store-ticket-number-taken = Заявка с таким номером уже есть.
store-value-taken = Такое значение уже занято.
store-same-ticket = Заявку нельзя связать или объединить с ней самой.
store-other-organization = Заявки разных организаций нельзя связывать и объединять.
store-message-read = Это письмо уже обработано.
attachment-too-big = Файл «{ $file }» больше допустимого размера { $max }.
attachment-archive-only = Файлы .{ $ext } принимаются только в архиве ZIP или RAR.
attachment-type = Тип файла «{ $file }» не принимается; допустимы: { $allowed }.
attachment-total = Файл «{ $file }» не принят: вложения одного сообщения больше { $max } в сумме.
attachment-disguised = Файл «{ $file }» на самом деле { $real }. { $rule }
limit-too-long = Слишком длинный текст: не больше { $max } { $max ->
    [one] символа
   *[other] символов
}.
limit-too-many = Слишком много: не больше { $max }.
dir-self-demote = Нельзя снять с себя роль администратора.
dir-contact-role = У контактов клиента нет ролей.
identity-token-password = У API-токена нет пароля.
identity-wrong-password = Текущий пароль указан неверно.
http-deadline = Ответ готовился слишком долго. Повторите запрос через несколько секунд.
link-invalid = Ссылка повреждена или не наша. Откройте заявку на портале.
link-expired = Срок действия ссылки истёк. Откройте заявку на портале.
link-contact-gone = Ссылка больше не действует: контактное лицо отключено.
mail-kind = { $kind ->
    [registered] Подтверждение регистрации
    [reply] Ответ специалиста
    [customer_reply] Ответ клиента
    [status] Смена статуса
    [extended] Продление срока
    [assigned] Назначение
    [handed_over] Передача на линию
    [attachment_rejected] Отказ в приёме файла
    [warn] Предупреждение о сроке
    [breach] Нарушение срока
    [interim] Промежуточное уведомление
   *[other] Уведомление
}
mail-own-address = письмо с нашего собственного адреса { $email }; ответ не отправляется, чтобы не зациклиться
reset-invalid = Ссылка для смены пароля недействительна или уже использована. Запросите новую.
reset-expired = Срок действия ссылки для смены пароля истёк. Запросите новую.
mail-out-password_reset = Здравствуйте!

    Кто-то (возможно, вы) попросил сменить пароль для входа в службу поддержки.
mail-out-password_reset-link = Задать новый пароль (ссылка действует час и только один раз)
mail-out-password_reset-ignore = Если вы не просили, ничего не делайте: пароль останется прежним.
mail-out-password_reset-subject = Смена пароля
report-period = Укажите период: месяц (month=ГГГГ-ММ) или первый и последний день (from и to, ГГГГ-ММ-ДД).
report-period-order = Последний день периода раньше первого.
report-period-long = Период отчёта — не больше { $days } дней.
report-group = `{ $value }` — не группировка отчёта; можно: target, month, organization, priority, level, line, category, agent.
report-unknown = `{ $value }` нет в регламенте; есть: { $expected }.
report-col-target = Цель
report-col-group = Группа
report-col-total = Всего
report-col-met = Выполнено в срок
report-col-breached = Просрочено
report-col-running = В работе
report-col-cancelled = Остановлено без оценки
report-col-met-percent = Доля в срок, %
report-col-stopped = Остановлено
report-col-median = Медиана (мин)
report-col-p90 = 90-й процентиль (мин)
report-minutes = { $n } мин
report-hours = { $n } ч
report-col-ratings = Оценок
report-col-average = Средняя
report-col-tickets = Заявок
report-col-open = Открыто
report-col-logged = Учтено минут
report-workload-group = `{ $value }` — не группировка нагрузки; можно: agent, line.
