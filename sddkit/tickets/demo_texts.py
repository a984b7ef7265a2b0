# ruff: noqa: E501  -- prose data: customer sentences are kept whole, one per line
"""Phrases the demo generator composes tickets from: per theme and language, several subjects,
bodies and follow-ups, written as customers write them. Serbian is written in Latin script
here; the generator transliterates part of it to Cyrillic."""

from __future__ import annotations

# theme slug -> language -> (subjects, bodies, extras)
THEMES: dict[str, dict[str, tuple[list[str], list[str], list[str]]]] = {
    "csv-export-timeout": {
        "en": (
            [
                "CSV export times out",
                "Export to CSV fails",
                "Can't download report as CSV",
                "export broken??",
            ],
            [
                "When I export the monthly report to CSV the page spins and then shows a 504 error.",
                "The CSV export never finishes for our bigger projects, it just times out after a minute.",
                "Downloading the report as CSV crashes with 'Something went wrong'. Smaller reports work.",
                "Export to CSV has been failing all week, we need the file for our accounting.",
            ],
            [
                "It worked fine last month.",
                "We have about 40k rows.",
                "Tried Chrome and Firefox, same thing.",
            ],
        ),
        "ru": (
            [
                "Не работает экспорт в CSV",
                "Экспорт CSV зависает",
                "Ошибка при выгрузке отчёта в CSV",
            ],
            [
                "При экспорте отчёта в CSV страница долго грузится, а потом выдаёт ошибку 504.",
                "Выгрузка в CSV не завершается для больших проектов, просто обрывается по таймауту.",
                "Не могу скачать отчёт в формате CSV, появляется сообщение «Что-то пошло не так».",
            ],
            [
                "В прошлом месяце всё работало.",
                "В отчёте примерно 40 тысяч строк.",
                "Пробовали в разных браузерах.",
            ],
        ),
        "pl": (
            ["Eksport do CSV nie działa", "Błąd przy eksporcie CSV", "Raport CSV się nie pobiera"],
            [
                "Przy eksporcie raportu do CSV strona długo się ładuje, a potem pokazuje błąd 504.",
                "Eksport CSV dla większych projektów nigdy się nie kończy, po minucie jest timeout.",
                "Nie mogę pobrać raportu jako CSV, pojawia się komunikat 'Coś poszło nie tak'.",
            ],
            [
                "W zeszłym miesiącu działało.",
                "Raport ma około 40 tys. wierszy.",
                "Próbowałem w Chrome i Firefox.",
            ],
        ),
        "sr": (
            ["Izvoz u CSV ne radi", "Greška pri izvozu CSV", "Ne mogu da preuzmem izveštaj u CSV"],
            [
                "Kada izvozim mesečni izveštaj u CSV stranica se dugo učitava i onda prikaže grešku 504.",
                "Izvoz u CSV se nikad ne završi za veće projekte, posle minut dobijem timeout.",
                "Preuzimanje izveštaja kao CSV puca sa porukom da je nešto pošlo naopako.",
            ],
            [
                "Prošlog meseca je radilo.",
                "Izveštaj ima oko 40 hiljada redova.",
                "Probao sam u više pregledača.",
            ],
        ),
    },
    "password-reset-email": {
        "en": (
            [
                "Password reset email not received",
                "Reset link never arrives",
                "Can't reset my password",
            ],
            [
                "I clicked 'Forgot password' several times but the reset e-mail never arrives.",
                "No password reset email in my inbox or spam folder, waited over an hour.",
                "The password reset link doesn't come, so I'm locked out of my account.",
            ],
            [
                "Our domain is on Outlook 365.",
                "Colleagues have the same problem.",
                "I need access today.",
            ],
        ),
        "ru": (
            [
                "Не приходит письмо для сброса пароля",
                "Не могу восстановить пароль",
                "Нет письма со ссылкой сброса",
            ],
            [
                "Несколько раз нажимал «Забыли пароль», но письмо для сброса так и не пришло.",
                "Письма для восстановления пароля нет ни во входящих, ни в спаме, жду уже час.",
                "Ссылка для сброса пароля не приходит, не могу войти в аккаунт.",
            ],
            ["Почта на Яндексе.", "У коллег то же самое.", "Доступ нужен срочно."],
        ),
        "pl": (
            [
                "Nie dostaję maila do resetu hasła",
                "Link do resetu hasła nie przychodzi",
                "Nie mogę zresetować hasła",
            ],
            [
                "Kilka razy kliknąłem 'Nie pamiętam hasła', ale mail z resetem nie przychodzi.",
                "Nie ma wiadomości z resetem hasła ani w skrzynce, ani w spamie, czekam już godzinę.",
                "Link do zmiany hasła nie dociera, więc nie mogę się zalogować.",
            ],
            [
                "Mamy pocztę na Onecie.",
                "Koledzy mają ten sam problem.",
                "Potrzebuję dostępu dzisiaj.",
            ],
        ),
        "sr": (
            [
                "Ne stiže mejl za reset lozinke",
                "Ne mogu da resetujem lozinku",
                "Link za promenu lozinke ne dolazi",
            ],
            [
                "Više puta sam kliknuo na 'Zaboravljena lozinka' ali mejl za reset ne stiže.",
                "Nema mejla za promenu lozinke ni u prijemnom sandučetu ni u spamu, čekam sat vremena.",
                "Link za reset lozinke ne dolazi pa ne mogu da se prijavim na nalog.",
            ],
            ["Koristimo Gmail.", "Kolege imaju isti problem.", "Hitno mi treba pristup."],
        ),
    },
    "2fa-codes-rejected": {
        "en": (
            ["2FA code rejected", "Two-factor code says invalid", "Authenticator codes don't work"],
            [
                "My authenticator app code is always rejected as invalid when I log in.",
                "Two-factor authentication keeps saying 'invalid code' even though I type it right away.",
                "The 6-digit 2FA code from SMS is not accepted, I tried five times.",
            ],
            [
                "My phone time is set automatically.",
                "I use Google Authenticator.",
                "It started after I changed phones.",
            ],
        ),
        "ru": (
            [
                "Код двухфакторной аутентификации не принимается",
                "Неверный код 2FA",
                "Не проходит код из приложения",
            ],
            [
                "Код из приложения-аутентификатора всегда отклоняется как неверный.",
                "Двухфакторная аутентификация пишет «неверный код», хотя ввожу его сразу.",
                "Шестизначный код из SMS не принимается, пробовал пять раз.",
            ],
            ["Время на телефоне выставлено автоматически.", "Пользуюсь Google Authenticator."],
        ),
        "pl": (
            [
                "Kod 2FA odrzucony",
                "Nieprawidłowy kod weryfikacji dwuetapowej",
                "Kody z aplikacji nie działają",
            ],
            [
                "Kod z aplikacji uwierzytelniającej jest zawsze odrzucany jako nieprawidłowy.",
                "Weryfikacja dwuetapowa ciągle pokazuje 'nieprawidłowy kod', choć wpisuję go od razu.",
                "Sześciocyfrowy kod z SMS nie jest akceptowany, próbowałem pięć razy.",
            ],
            ["Czas w telefonie ustawiony automatycznie.", "Używam Microsoft Authenticator."],
        ),
        "sr": (
            [
                "Odbijen 2FA kod",
                "Kod za dvofaktorsku potvrdu nije ispravan",
                "Kodovi iz aplikacije ne rade",
            ],
            [
                "Kod iz aplikacije za autentifikaciju se uvek odbija kao neispravan.",
                "Dvofaktorska autentifikacija stalno javlja 'neispravan kod' iako ga odmah ukucam.",
                "Šestocifreni kod iz SMS poruke ne prolazi, pokušao sam pet puta.",
            ],
            ["Vreme na telefonu je automatsko.", "Koristim Google Authenticator."],
        ),
    },
    "billing-change-plan": {
        "en": (
            ["How do I change my plan?", "Upgrade to the Team plan", "Billing page confusing"],
            [
                "I can't find where to switch from the Basic to the Team plan on the billing page.",
                "The billing page is confusing, where do I downgrade our subscription?",
                "How can I change the plan for our company? The button just opens invoices.",
            ],
            ["We have 12 seats.", "Should the change apply from next month?", "Please advise."],
        ),
        "ru": (
            ["Как сменить тариф?", "Переход на тариф Team", "Непонятная страница оплаты"],
            [
                "Не могу найти, где на странице оплаты перейти с тарифа Basic на Team.",
                "Страница биллинга очень запутанная, где понизить подписку?",
                "Как поменять тариф для нашей компании? Кнопка открывает только счета.",
            ],
            ["У нас 12 пользователей.", "Изменение должно действовать со следующего месяца?"],
        ),
        "pl": (
            ["Jak zmienić plan?", "Przejście na plan Team", "Niejasna strona płatności"],
            [
                "Nie mogę znaleźć na stronie płatności, gdzie zmienić plan z Basic na Team.",
                "Strona rozliczeń jest myląca, gdzie obniżyć subskrypcję?",
                "Jak zmienić plan dla naszej firmy? Przycisk otwiera tylko faktury.",
            ],
            ["Mamy 12 stanowisk.", "Czy zmiana obowiązuje od przyszłego miesiąca?"],
        ),
        "sr": (
            [
                "Kako da promenim paket?",
                "Prelazak na Team paket",
                "Zbunjujuća stranica za plaćanje",
            ],
            [
                "Ne mogu da nađem gde na stranici za plaćanje da pređem sa Basic na Team paket.",
                "Stranica za naplatu je zbunjujuća, gde mogu da smanjim pretplatu?",
                "Kako da promenimo paket za firmu? Dugme otvara samo fakture.",
            ],
            ["Imamo 12 korisnika.", "Da li promena važi od sledećeg meseca?"],
        ),
    },
    "invoice-vat": {
        "en": (
            [
                "VAT number missing on invoice",
                "Invoice VAT question",
                "Need invoice with our VAT ID",
            ],
            [
                "Our invoice doesn't show our VAT number, our accountant can't book it.",
                "Why is VAT charged on our invoice? We are a registered EU business with a VAT ID.",
                "Can you reissue last month's invoice with our company VAT ID on it?",
            ],
            ["Our VAT ID is in the account settings.", "The invoice number is INV-2026-0412."],
        ),
        "ru": (
            ["Нет ИНН в счёте", "Вопрос по НДС в счёте", "Нужен счёт с реквизитами"],
            [
                "В счёте не указан наш ИНН, бухгалтерия не может его провести.",
                "Почему в счёте начислен НДС? Мы зарегистрированная компания.",
                "Можете переоформить счёт за прошлый месяц с нашими реквизитами?",
            ],
            ["Реквизиты указаны в настройках аккаунта.", "Номер счёта INV-2026-0412."],
        ),
        "pl": (
            ["Brak NIP na fakturze", "Pytanie o VAT na fakturze", "Faktura z numerem VAT"],
            [
                "Na fakturze nie ma naszego numeru NIP, księgowa nie może jej zaksięgować.",
                "Dlaczego na fakturze naliczono VAT? Jesteśmy firmą z numerem VAT UE.",
                "Czy możecie wystawić ponownie fakturę za zeszły miesiąc z naszym NIP?",
            ],
            ["NIP jest w ustawieniach konta.", "Numer faktury INV-2026-0412."],
        ),
        "sr": (
            ["Nema PIB na fakturi", "Pitanje o PDV na fakturi", "Treba nam faktura sa PIB"],
            [
                "Na fakturi nije naveden naš PIB, knjigovođa ne može da je proknjiži.",
                "Zašto je na fakturi obračunat PDV? Mi smo registrovana firma.",
                "Možete li ponovo izdati fakturu za prošli mesec sa našim PIB brojem?",
            ],
            ["PIB je u podešavanjima naloga.", "Broj fakture je INV-2026-0412."],
        ),
    },
    "mobile-login-loop": {
        "en": (
            ["App keeps logging me out", "Login loop on iPhone", "Mobile app stuck on sign in"],
            [
                "The mobile app sends me back to the login screen right after I sign in.",
                "On my Android phone the app logs in, flashes the dashboard and returns to sign in.",
                "I'm stuck in a login loop in the iOS app since the last update.",
            ],
            [
                "Reinstalling didn't help.",
                "The web version works fine.",
                "Version 5.1 from the store.",
            ],
        ),
        "ru": (
            [
                "Приложение выкидывает на экран входа",
                "Бесконечный вход в мобильном приложении",
                "Не могу войти в приложение",
            ],
            [
                "Мобильное приложение сразу после входа возвращает меня на экран логина.",
                "На Android приложение входит, показывает главную и снова просит войти.",
                "После последнего обновления застрял в цикле входа в приложении на iPhone.",
            ],
            ["Переустановка не помогла.", "В браузере всё работает."],
        ),
        "pl": (
            [
                "Aplikacja ciągle mnie wylogowuje",
                "Pętla logowania na iPhonie",
                "Nie mogę się zalogować w aplikacji",
            ],
            [
                "Aplikacja mobilna od razu po zalogowaniu wraca do ekranu logowania.",
                "Na Androidzie aplikacja się loguje, pokazuje pulpit i znowu prosi o logowanie.",
                "Od ostatniej aktualizacji utknąłem w pętli logowania w aplikacji na iOS.",
            ],
            ["Reinstalacja nie pomogła.", "Wersja webowa działa."],
        ),
        "sr": (
            [
                "Aplikacija me stalno odjavljuje",
                "Petlja prijave na telefonu",
                "Ne mogu da se prijavim u aplikaciju",
            ],
            [
                "Mobilna aplikacija me odmah posle prijave vraća na ekran za prijavu.",
                "Na Android telefonu aplikacija se prijavi, pokaže početnu i opet traži prijavu.",
                "Od poslednjeg ažuriranja sam zaglavljen u petlji prijave na iPhone aplikaciji.",
            ],
            ["Ponovna instalacija nije pomogla.", "Veb verzija radi normalno."],
        ),
    },
    "dark-mode-contrast": {
        "en": (
            ["Dark mode hard to read", "Dark theme contrast", "Can't read labels in dark mode"],
            [
                "In dark mode the grey labels on the dashboard are almost invisible.",
                "The new dark theme has very low contrast, my eyes hurt after an hour.",
                "Some buttons disappear in dark mode, grey text on dark grey background.",
            ],
            ["Screenshot attached.", "Can we get a high-contrast option?"],
        ),
        "ru": (
            [
                "Тёмная тема плохо читается",
                "Низкий контраст в тёмной теме",
                "В тёмном режиме не видно текст",
            ],
            [
                "В тёмной теме серые подписи на дашборде почти не видны.",
                "У новой тёмной темы очень низкий контраст, глаза устают.",
                "В тёмном режиме пропадают некоторые кнопки, серый текст на тёмно-сером фоне.",
            ],
            ["Скриншот во вложении.", "Можно сделать высококонтрастный режим?"],
        ),
        "pl": (
            [
                "Tryb ciemny nieczytelny",
                "Kontrast w ciemnym motywie",
                "Nie widać etykiet w trybie ciemnym",
            ],
            [
                "W trybie ciemnym szare etykiety na pulpicie są prawie niewidoczne.",
                "Nowy ciemny motyw ma bardzo niski kontrast, po godzinie bolą oczy.",
                "Niektóre przyciski znikają w trybie ciemnym, szary tekst na ciemnoszarym tle.",
            ],
            ["Zrzut ekranu w załączniku.", "Czy może być opcja wysokiego kontrastu?"],
        ),
        "sr": (
            [
                "Tamna tema se teško čita",
                "Kontrast u tamnom režimu",
                "Ne vide se natpisi u tamnoj temi",
            ],
            [
                "U tamnom režimu sivi natpisi na kontrolnoj tabli se skoro ne vide.",
                "Nova tamna tema ima jako slab kontrast, bole me oči posle sat vremena.",
                "Neka dugmad nestaju u tamnom režimu, sivi tekst na tamnosivoj pozadini.",
            ],
            ["Snimak ekrana je u prilogu.", "Može li opcija visokog kontrasta?"],
        ),
    },
    "api-rate-limit-docs": {
        "en": (
            ["API rate limits unclear", "What are the API limits?", "429 Too Many Requests"],
            [
                "Your API docs don't say what the rate limits are, we keep getting 429 errors.",
                "How many requests per minute does the REST API allow? The docs are unclear.",
                "We hit 'Too Many Requests' on the API but the documentation doesn't mention limits or Retry-After.",
            ],
            ["We sync about 2000 records an hour.", "Is there a higher limit for paid plans?"],
        ),
        "ru": (
            ["Непонятные лимиты API", "Какие ограничения у API?", "Ошибка 429 в API"],
            [
                "В документации API не написано, какие лимиты запросов, постоянно получаем ошибку 429.",
                "Сколько запросов в минуту разрешает REST API? В документации непонятно.",
            ],
            ["Синхронизируем около 2000 записей в час.", "Есть ли лимит выше на платных тарифах?"],
        ),
        "pl": (
            ["Niejasne limity API", "Jakie są limity API?", "Błąd 429 w API"],
            [
                "Dokumentacja API nie mówi, jakie są limity zapytań, ciągle dostajemy błąd 429.",
                "Ile zapytań na minutę pozwala REST API? Dokumentacja jest niejasna.",
            ],
            ["Synchronizujemy około 2000 rekordów na godzinę."],
        ),
        "sr": (
            ["Nejasna ograničenja API", "Koliki su limiti za API?", "Greška 429 na API"],
            [
                "U dokumentaciji za API ne piše koliki su limiti zahteva, stalno dobijamo grešku 429.",
                "Koliko zahteva u minuti dozvoljava REST API? Dokumentacija nije jasna.",
            ],
            ["Sinhronizujemo oko 2000 zapisa na sat."],
        ),
    },
    "calendar-sync-duplicates": {
        "en": (
            [
                "Calendar sync duplicates events",
                "Duplicate events in Google Calendar",
                "Outlook shows every meeting twice",
            ],
            [
                "Since we connected Google Calendar every event appears twice.",
                "Calendar sync creates duplicate meetings in Outlook, sometimes three copies.",
                "All our shifts show up two times in the synced calendar.",
            ],
            ["Disconnecting and reconnecting didn't help."],
        ),
        "ru": (
            ["Дубли событий в календаре", "Синхронизация календаря дублирует события"],
            [
                "После подключения Google Календаря каждое событие появляется дважды.",
                "Синхронизация календаря создаёт дубликаты встреч в Outlook.",
            ],
            ["Переподключение не помогло."],
        ),
        "pl": (
            ["Duplikaty wydarzeń w kalendarzu", "Synchronizacja kalendarza dubluje spotkania"],
            [
                "Od podłączenia Kalendarza Google każde wydarzenie pojawia się dwa razy.",
                "Synchronizacja kalendarza tworzy zduplikowane spotkania w Outlooku.",
            ],
            ["Ponowne podłączenie nie pomogło."],
        ),
        "sr": (
            ["Duplirani događaji u kalendaru", "Sinhronizacija kalendara duplira sastanke"],
            [
                "Otkad smo povezali Google kalendar svaki događaj se pojavljuje dva puta.",
                "Sinhronizacija kalendara pravi duplikate sastanaka u Outlook-u.",
            ],
            ["Ponovno povezivanje nije pomoglo."],
        ),
    },
    "slow-dashboard": {
        "en": (
            [
                "Dashboard very slow",
                "Dashboard takes forever to load",
                "Performance of the main page",
            ],
            [
                "The dashboard takes 20-30 seconds to load every morning.",
                "Loading the main dashboard is painfully slow since a few weeks, charts appear last.",
                "Our team complains the dashboard is sluggish, sometimes it never finishes loading.",
            ],
            ["We have about 300 projects.", "Internet connection is fine."],
        ),
        "ru": (
            ["Дашборд очень медленно грузится", "Тормозит главная страница"],
            [
                "Дашборд загружается по 20-30 секунд каждое утро.",
                "Главная панель стала очень медленной, графики появляются последними.",
            ],
            ["У нас около 300 проектов."],
        ),
        "pl": (
            ["Pulpit bardzo wolno się ładuje", "Wolny dashboard"],
            [
                "Pulpit ładuje się 20-30 sekund każdego ranka.",
                "Od kilku tygodni główny dashboard działa strasznie wolno, wykresy pojawiają się na końcu.",
            ],
            ["Mamy około 300 projektów."],
        ),
        "sr": (
            ["Kontrolna tabla se sporo učitava", "Spor dashboard"],
            [
                "Kontrolna tabla se učitava 20-30 sekundi svakog jutra.",
                "Glavni dashboard je već nekoliko nedelja jako spor, grafikoni se pojavljuju poslednji.",
            ],
            ["Imamo oko 300 projekata."],
        ),
    },
    "slack-integration": {
        "en": (
            ["Slack integration?", "Feature request: Slack notifications", "Post updates to Slack"],
            [
                "Do you plan a Slack integration? We'd love notifications in our channel.",
                "It would be great to get new comments posted to Slack automatically.",
                "Feature request: send alerts to a Slack channel instead of e-mail.",
            ],
            ["Teams would be nice too.", "Happy to beta test."],
        ),
        "ru": (
            ["Интеграция со Slack?", "Пожелание: уведомления в Slack"],
            [
                "Планируете интеграцию со Slack? Хотим получать уведомления в канал.",
                "Было бы здорово автоматически отправлять новые комментарии в Slack.",
            ],
            ["Готовы протестировать бету."],
        ),
        "pl": (
            ["Integracja ze Slackiem?", "Prośba: powiadomienia na Slacku"],
            [
                "Czy planujecie integrację ze Slackiem? Chcielibyśmy powiadomienia na kanale.",
                "Byłoby super, gdyby nowe komentarze trafiały automatycznie na Slacka.",
            ],
            ["Chętnie przetestujemy betę."],
        ),
        "sr": (
            ["Integracija sa Slack-om?", "Predlog: obaveštenja na Slack"],
            [
                "Da li planirate integraciju sa Slack-om? Voleli bismo obaveštenja u kanalu.",
                "Bilo bi super da se novi komentari automatski šalju na Slack.",
            ],
            ["Rado ćemo testirati betu."],
        ),
    },
    "import-xlsx-encoding": {
        "en": (
            ["Import breaks special characters", "Excel import shows garbage letters"],
            [
                "When I import our customer list from Excel, names with accents turn into question marks.",
                "Imported XLSX file shows broken characters instead of č, ć, ž.",
            ],
            ["The file is saved as UTF-8."],
        ),
        "ru": (
            ["Импорт ломает кириллицу", "Кракозябры после импорта из Excel"],
            [
                "При импорте списка клиентов из Excel кириллица превращается в знаки вопроса.",
                "После импорта XLSX вместо русских букв непонятные символы.",
            ],
            ["Файл сохранён в UTF-8."],
        ),
        "pl": (
            ["Import psuje polskie znaki", "Krzaki po imporcie z Excela"],
            [
                "Przy imporcie listy klientów z Excela polskie znaki zamieniają się w znaki zapytania.",
                "Po imporcie pliku XLSX zamiast ą, ę, ł są dziwne symbole.",
            ],
            ["Plik zapisany w UTF-8."],
        ),
        "sr": (
            ["Uvoz kvari naša slova", "Čudni znakovi posle uvoza iz Excel-a"],
            [
                "Kada uvezem listu klijenata iz Excel-a, slova č, ć, ž postaju upitnici.",
                "Posle uvoza XLSX fajla umesto naših slova su čudni simboli.",
            ],
            ["Fajl je sačuvan kao UTF-8."],
        ),
    },
}

GREETINGS = {
    "en": ["Hi,", "Hello,", "Hi team,", "Good morning,", "Hey there,", ""],
    "ru": ["Здравствуйте!", "Добрый день,", "Привет,", "Доброе утро,", ""],
    "pl": ["Dzień dobry,", "Cześć,", "Witam,", "Hej,", ""],
    "sr": ["Zdravo,", "Dobar dan,", "Poštovani,", "Ćao,", ""],
}
SIGNATURES = {
    "en": ["Thanks", "Best regards", "Cheers", "Thank you in advance", "Sent from my iPhone", ""],
    "ru": ["Спасибо", "С уважением", "Заранее спасибо", "Отправлено с iPhone", ""],
    "pl": ["Dziękuję", "Pozdrawiam", "Z góry dzięki", "Wysłane z iPhone'a", ""],
    "sr": ["Hvala", "Srdačan pozdrav", "Unapred hvala", "Poslato sa iPhone-a", ""],
}
AGAIN = {
    "en": "I already wrote about this last week (ticket #{ref}) and it's still happening.",
    "ru": "Я уже писал об этом на прошлой неделе (обращение #{ref}), проблема осталась.",
    "pl": "Pisałem już o tym w zeszłym tygodniu (zgłoszenie #{ref}) i dalej to samo.",
    "sr": "Već sam pisao o ovome prošle nedelje (tiket #{ref}) i i dalje se dešava.",
}
REPLIES = {
    "en": [
        "Thanks for reaching out! We're looking into it and will get back to you shortly.",
        "Sorry for the trouble. Could you send us a screenshot and your browser version?",
    ],
    "ru": [
        "Спасибо за обращение! Мы разбираемся и скоро ответим.",
        "Извините за неудобства. Пришлите, пожалуйста, скриншот и версию браузера.",
    ],
    "pl": [
        "Dziękujemy za wiadomość! Sprawdzamy to i wkrótce odpiszemy.",
        "Przepraszamy za kłopot. Czy możesz przesłać zrzut ekranu i wersję przeglądarki?",
    ],
    "sr": [
        "Hvala što ste nam pisali! Proveravamo i javićemo se uskoro.",
        "Izvinite zbog problema. Možete li poslati snimak ekrana i verziju pregledača?",
    ],
}
# One-off tickets that belong to no theme.
NOISE = {
    "en": [
        (
            "Change account owner",
            "Our previous admin left, how do we transfer ownership of the account?",
        ),
        ("Discount for non-profits?", "Do you offer a discount for registered charities?"),
        ("Delete my account", "Please delete my account and all my data."),
        (
            "Typo on pricing page",
            "There is a typo on your pricing page: 'anual' instead of 'annual'.",
        ),
        ("Training session", "Can you run a short onboarding session for our new team members?"),
        ("Logo upload", "The logo I upload looks blurry in the header."),
        ("Thank you!", "Just wanted to say the new timeline view is great, thanks!"),
        ("Webinar recording", "Where can I find the recording of last Thursday's webinar?"),
        ("Change e-mail address", "How do I change the e-mail address I log in with?"),
        ("Partnership", "We are an agency and would like to resell your product."),
    ],
    "ru": [
        ("Смена владельца аккаунта", "Наш администратор уволился, как передать права на аккаунт?"),
        ("Скидка для НКО", "Есть ли у вас скидка для некоммерческих организаций?"),
        ("Удалить аккаунт", "Прошу удалить мой аккаунт и все данные."),
        ("Обучение", "Можете провести вводное занятие для новых сотрудников?"),
        ("Спасибо!", "Хотел поблагодарить за новую ленту событий, очень удобно."),
        ("Смена почты", "Как поменять адрес почты для входа?"),
    ],
    "pl": [
        ("Zmiana właściciela konta", "Nasz administrator odszedł, jak przenieść własność konta?"),
        ("Rabat dla fundacji", "Czy macie zniżkę dla organizacji pozarządowych?"),
        ("Usunięcie konta", "Proszę o usunięcie mojego konta i danych."),
        ("Szkolenie", "Czy możecie zrobić krótkie szkolenie dla nowych osób w zespole?"),
        ("Dziękuję!", "Nowy widok osi czasu jest świetny, dzięki!"),
    ],
    "sr": [
        (
            "Promena vlasnika naloga",
            "Naš administrator je otišao, kako da prebacimo vlasništvo nad nalogom?",
        ),
        ("Popust za udruženja", "Da li imate popust za neprofitne organizacije?"),
        ("Brisanje naloga", "Molim vas obrišite moj nalog i sve podatke."),
        ("Obuka", "Možete li održati kratku obuku za nove članove tima?"),
        ("Hvala!", "Samo da kažem da je novi prikaz vremenske linije odličan, hvala!"),
    ],
}
# The subject of each one-off above, in order: one name for one subject in every language.
NOISE_SUBJECTS = {
    "en": ["owner", "discount", "delete", "typo", "training", "logo", "thanks", "webinar",
           "email", "partner"],
    "ru": ["owner", "discount", "delete", "training", "thanks", "email"],
    "pl": ["owner", "discount", "delete", "training", "thanks"],
    "sr": ["owner", "discount", "delete", "training", "thanks"],
}  # fmt: skip
