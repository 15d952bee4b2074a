# The pages: what agents and customers read in the web UI.

ui-skip-to-content = Перейти к содержанию
ui-nav-label = Разделы
ui-nav-queue = Очередь
ui-nav-portal = Мои заявки
ui-nav-new = Новая заявка
ui-nav-regulation = Регламент поддержки
ui-sign-out = Выйти
ui-close = Закрыть
ui-live-updated = Страница обновлена: заявка изменилась.
ui-apply = Применить
ui-why = Причина

ui-sign-in-title = Вход в службу поддержки
ui-sign-in-email = Электронная почта
ui-sign-in-password = Пароль
ui-sign-in-submit = Войти
ui-sign-in-hint = Вход для сотрудников поддержки и клиентов. Условия обслуживания —
ui-sign-in-wrong = Неверная почта или пароль.
ui-sign-in-busy = Сервер занят проверкой других входов. Повторите через несколько секунд.
ui-sign-in-expired = Форма входа устарела. Введите пароль ещё раз.

ui-error-title = Не получилось
ui-error-not-found = Не найдено
ui-error-not-found-text = Такой страницы или заявки нет, либо у вас нет к ней доступа.
ui-error-forbidden = Нет доступа
ui-error-unavailable = Сервис временно недоступен
ui-error-unavailable-text = База данных не отвечает. Повторите попытку через минуту; введённое не сохранено.
ui-error-internal = Внутренняя ошибка сервера. Мы записали её в журнал.
ui-error-signed-out = Сеанс закончился. Войдите снова.
ui-error-home = На главную

ui-queue-title = Очередь заявок
ui-queue-views = Представления
ui-queue-mine = Мои
ui-queue-line = Моя линия
ui-queue-all = Все
ui-queue-caption = Заявки: внеочередные первыми, затем по ближайшему сроку
ui-queue-empty = Заявок нет.
ui-queue-due-breached = Просрочены
ui-queue-due-today = Срок сегодня
ui-queue-bad-view = Нет представления «{ $view }»: есть «mine», «line» и «all».
ui-queue-bad-filter = Фильтр «{ $field }» задан неверно.
ui-search = Поиск
ui-search-hint = Слова из темы, описания или переписки, либо номер заявки
ui-search-results = Найдено по запросу
ui-search-nothing = Ничего не нашлось. Попробуйте другие слова.
ui-filter-any = Любой
ui-filter-closed = Включая закрытые
ui-filter-apply = Показать
ui-filter-reset = Сбросить
ui-col-number = Номер
ui-col-subject = Тема
ui-col-left = Осталось
ui-col-due = Срок
ui-col-received = Поступила
ui-left-breached = просрочено на
ui-out-of-turn = вне очереди
ui-pager = Страницы
ui-pager-prev = Назад
ui-pager-next = Дальше

ui-field-status = Статус
ui-field-priority = Приоритет
ui-field-level = Уровень
ui-field-line = Линия
ui-field-organization = Организация
ui-field-category = Категория
ui-field-assignee = Исполнитель
ui-field-due = Срок

ui-keys-title = Горячие клавиши
ui-keys-move = вниз и вверх по списку
ui-keys-open = открыть заявку
ui-keys-search = к поиску
ui-keys-reply = написать ответ
ui-keys-help = эта справка

ui-ticket-description = Описание
ui-ticket-attachments = Вложения
ui-ticket-timeline = История
ui-ticket-clocks = Сроки
ui-ticket-no-clocks = Сроки по этой заявке не идут.
ui-clock-explain = Как посчитан срок
ui-clock-pending = не начат
ui-clock-running = идёт
ui-clock-paused = на паузе
ui-clock-met = выполнен в срок
ui-clock-breached = нарушен
ui-clock-cancelled = отменён

ui-card-title = Клиент
ui-card-contract = Договор
ui-card-tariff = Тариф
ui-card-contact = Контакт
ui-card-products = Продукты
ui-card-manager = Менеджер
ui-card-programmer = Программист
ui-card-received = Поступила
ui-contact-trusted = доверенное лицо
ui-contact-owner = владелец

ui-reply-title = Ответ клиенту
ui-reply-title-customer = Написать в поддержку
ui-reply-body = Текст сообщения
ui-reply-send = Отправить ответ
ui-note-send = Внутренняя заметка
ui-attach-files = Приложить файлы
ui-upload-cap = Не больше

ui-completion-title = Работа завершена
ui-confirm = Подтвердить выполнение
ui-object-reason = Что не сделано
ui-object = Вернуть в работу
ui-rate-legend = Оцените работу поддержки
ui-rate-comment = Комментарий
ui-rate = Оценить
ui-stars = { $stars ->
    [one] { $stars } звезда
    [few] { $stars } звезды
   *[many] { $stars } звёзд
}

ui-actions-title = Действия
ui-status-reason = Причина отложения или отклонения
ui-assign = Назначить
ui-hand-over = Передать на линию
ui-extend-target = Срок
ui-extend-by = Продлить на
ui-extend = Продлить срок
ui-log-activity = Вид работ
ui-log-minutes = Минут
ui-log-description = Что сделано
ui-log-time = Учесть время
ui-merge-into = Объединить с заявкой (номер)
ui-merge = Объединить
ui-merge-confirm = Заявка будет закрыта как дубликат. Продолжить?
ui-reopen = Возобновить

ui-done-reply = Ответ отправлен.
ui-done-note = Заметка сохранена.
ui-done-status = Статус изменён.
ui-done-priority = Приоритет изменён.
ui-done-level = Уровень изменён.
ui-done-assign = Исполнитель назначен.
ui-done-hand_over = Заявка передана на другую линию.
ui-done-extend = Срок продлён.
ui-done-log_time = Время учтено.
ui-done-confirm = Спасибо! Выполнение подтверждено.
ui-done-object = Заявка возвращена в работу.
ui-done-rate = Спасибо за оценку.
ui-done-reopen = Заявка возобновлена.
ui-done-merge = Заявки объединены.
ui-done-attach = Файлы приложены.
ui-done-filed = Заявка принята.

ui-form-required = Заполните поле «{ $field }».
ui-form-minutes = Минуты — целое число от 1 до 1440.
ui-form-stars = Оценка — от 1 до 5 звёзд.
ui-form-no-such-ticket = Заявки «{ $ticket }» нет среди доступных вам. Укажите её номер, например 2026-00001.
ui-form-ticket = Укажите номер заявки цифрами.
ui-form-unknown-op = Неизвестное действие «{ $op }».
ui-form-broken = Форма пришла повреждённой: { $detail }
ui-form-too-long = Текст формы слишком длинный: не больше 1 МБ.

ui-portal-title = Заявки организации
ui-portal-open = Открытые
ui-portal-all = Все
ui-portal-empty = Заявок нет. Новую можно подать кнопкой «Новая заявка».
ui-new-title = Новая заявка
ui-new-intro = Опишите проблему как можно подробнее. Сроки ответа и решения — в регламенте:
ui-new-deadlines = Сроки по регламенту, если отправить сейчас
ui-new-no-category = Без категории
ui-new-submit = Отправить заявку

ui-actor-system = Reglament
ui-actor-support = Поддержка
ui-actor-customer = Клиент
ui-actor-integration = Интеграция
ui-event-received = Заявка поступила: { $channel }
ui-event-registered = Зарегистрирована под номером { $number }
ui-event-assigned = Назначен исполнитель: { $agent }
ui-event-handed-over = Передана на линию: { $line }
ui-event-status = Статус: { $status }
ui-event-status-reason = Статус: { $status } ({ $reason })
ui-event-priority = Приоритет: { $priority } — { $reason }
ui-event-level = Уровень: { $level } — { $reason }
ui-event-reply = Ответ поддержки
ui-event-note = Внутренняя заметка
ui-event-customer-message = Сообщение клиента
ui-event-time = Учтено: { $activity }, { $duration }
ui-event-extended = Срок «{ $target }» продлён на { $by }
ui-event-rated = Оценка: { $stars ->
    [one] { $stars } звезда
    [few] { $stars } звезды
   *[many] { $stars } звёзд
}
ui-event-reopened = Заявка возобновлена
ui-link-related = Связана с заявкой #{ $ticket }
ui-link-split-into = Из неё выделена заявка #{ $ticket }
ui-link-split-from = Выделена из заявки #{ $ticket }
ui-link-merged-into = Объединена с заявкой #{ $ticket } как дубликат
ui-link-merged-from = К ней присоединена заявка #{ $ticket }
ui-link-follow-up-of = Продолжение закрытой заявки #{ $ticket }
ui-link-followed-up-by = Продолжена в заявке #{ $ticket }
ui-link-ticket = Связать с заявкой (номер)
ui-link = Связать
ui-split-subject = Тема новой заявки
ui-split-description = Что в неё выделить
ui-split = Выделить в новую заявку
ui-done-link = Заявки связаны.
ui-done-split = Выделена новая заявка.
ui-event-attached = Приложен файл { $name } ({ $size })
ui-event-attachment-rejected = Файл { $name } не принят

ui-nav-admin = Справочник
ui-admin-title = Справочник
ui-admin-organizations = Организации
ui-admin-agents = Сотрудники
ui-admin-no-organizations = Организаций пока нет.
ui-admin-new-organization = Новая организация
ui-admin-org-name = Название
ui-admin-contract-from = Договор действует с
ui-admin-contract-to = Договор действует по
ui-admin-state-contract = № государственного контракта
ui-admin-create = Создать
ui-admin-save = Сохранить
ui-admin-saved = Сохранено.
ui-admin-details = Реквизиты
ui-admin-contacts = Контактные лица
ui-admin-no-contacts = Контактных лиц пока нет.
ui-admin-new-contact = Новое контактное лицо
ui-admin-add-contact = Добавить
ui-admin-full-name = ФИО
ui-admin-position = Должность
ui-admin-phone = Телефон
ui-admin-flags = Права
ui-admin-password = Пароль для входа
ui-admin-password-hint = Не меньше { $min ->
    [one] { $min } символа
   *[other] { $min } символов
}. Без пароля войти нельзя, но заявки по почте и телефону принимаются.
ui-admin-role = Роль
ui-admin-state = Состояние
ui-admin-active = работает
ui-admin-inactive = отключён
ui-admin-activate = включить
ui-admin-deactivate = отключить
ui-admin-new-agent = Новый сотрудник
ui-role-agent = специалист
ui-role-supervisor = руководитель
ui-role-admin = администратор
ui-admin-mail = Почта
ui-mail-intro = Письма, которые ждут решения сотрудника, и автоматические письма, отложенные без ответа. Добавьте отправителя в контактные лица и прочитайте письмо снова — или отбросьте его.
ui-mail-empty = Карантин пуст.
ui-mail-from = От кого
ui-mail-raw = исходное письмо
ui-mail-retry = прочитать снова
ui-mail-discard = отбросить
ui-mail-discard-confirm = Письмо уйдёт из карантина (останется в архиве). Продолжить?
ui-mail-done-opened = Письмо прочитано снова: открыта заявка.
ui-mail-done-joined = Письмо прочитано снова: добавлено в заявку.
ui-mail-done-held = Письмо прочитано снова и опять ждёт решения.
ui-mail-done-discarded = Письмо отброшено.
ui-account-title = Пароль
ui-account-current = Текущий пароль
ui-account-new = Новый пароль
ui-account-change = Сменить пароль
ui-account-changed = Пароль изменён. Остальные ваши сеансы завершены.
ui-account-others-end = После смены все ваши сеансы на других устройствах завершатся.
ui-link-expired-form = Форма устарела: отправьте её ещё раз.
ui-link-unknown-action = Неизвестное действие.
ui-link-nothing = Сейчас по этой заявке ничего делать не нужно.
ui-link-portal = Открыть заявку на портале (нужен вход)
ui-undelivered-title = Письма не доставлены
ui-undelivered-failed = Не доставлено, окончательно:
ui-undelivered-retrying = Не доставлено; следующая попытка:
ui-contact-bounced = адрес возвращает письма ({ $why })
ui-card-copied = В копии писем
