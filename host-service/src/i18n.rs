//! Every word of the host's own HTML pages (cabinet, tracking page, privacy policy, error pages),
//! in Russian and English, and the language rules for dates and counts.
//!
//! [`t`] is one exhaustive `match` over (message, language), so a message added without its
//! translation does not compile. Texts with a number carry a `{n}` placeholder filled by [`tn`].
//! Status names are not here: they come from [`civic_wire::Status::label`], shared with the widget.

use civic_wire::Lang;

/// One user-visible text of the host's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    /// The product's name in the page header (a name: the same in both languages).
    Brand,
    /// The name of the language, in that language (for "switch to …" links).
    LanguageName,
    Home,
    PageNotFound,
    PageNotFoundText,
    Error,
    // The tracking page.
    ReportNotFound,
    ReportNotFoundText,
    TrackingFailed,
    /// `{n}` is the report's number.
    ReportNo,
    Number,
    Site,
    Category,
    Date,
    Status,
    Description,
    Address,
    Answers,
    NoAnswersYet,
    // The privacy policy.
    PrivacyTitle,
    PrivacyHeading,
    PrivacyNotice,
    PrivacyUse,
    PrivacyStorage,
    // The cabinet.
    BackToTheList,
    NotFound,
    NoSuchReport,
    RequestRefused,
    RequestRefusedText,
    NotSaved,
    SomethingWentWrong,
    LogOut,
    LoginTitle,
    Login,
    Password,
    LogIn,
    FormUnreadable,
    WrongLogin,
    Reports,
    All,
    Show,
    NoReports,
    NewestFirst,
    /// The heading of the number column.
    NumberSign,
    /// Count of reports found: `{n}` and the word in the form for 1, 21, 31…
    ReportsOne,
    /// … for 2–4, 22–24…
    ReportsFew,
    /// … for 0, 5–20, 25–30…
    ReportsMany,
    Pages,
    /// `{n}` is the page number.
    PageN,
    Newer,
    Older,
    NotGiven,
    Published,
    Coordinates,
    SentFrom,
    ResidentsPage,
    /// How many residents supported the report ("this concerns me too"); followed by the number.
    Supporters,
    DueBy,
    Overdue,
    Reporter,
    PersonalDataLogged,
    /// A report filed by a resident signed in through the site (SSO); followed by their `sub`.
    SignedInViaSite,
    Name,
    Email,
    Phone,
    History,
    Resident,
    AnswerLabel,
    NoteLabel,
    ChangeStatus,
    NewStatus,
    PublicAnswer,
    InternalNote,
    Save,
    ChooseStatus,
    /// `{n}` is the length limit.
    AnswerTooLong,
    RefusalNeedsAnswer,
    // The e-mail confirmation of an anonymous report (`/confirm/{token}`).
    ConfirmTitle,
    /// `{n}` is the report's number.
    ConfirmText,
    ConfirmButton,
    ConfirmedTitle,
    /// `{n}` is the report's number.
    ConfirmedModeration,
    /// `{n}` is the report's number.
    ConfirmedPublished,
    ConfirmLinkInvalid,
    ConfirmLinkInvalidText,
    FollowReport,
    AwaitingConfirmation,
    // The site admin's settings page.
    Settings,
    Forbidden,
    ForbiddenText,
    AnonymousReports,
    AnonymousConfirmEmail,
    AnonymousModerated,
    AnonymousOff,
    Premoderation,
    SsoKeys,
    SsoKeysHint,
    NoSsoKeys,
    Algorithm,
    Added,
    Revoked,
    Active,
    Revoke,
    PublicKeyPem,
    Hs256Secret,
    AddKey,
    ChooseAnonymous,
    KeyRefused,
    // Agencies and routing.
    Agency,
    NotRouted,
    RouteTo,
    Route,
    ChooseAgency,
    Agencies,
    AgenciesHint,
    NoAgencies,
    AgencyName,
    AgencyEmail,
    AddAgency,
    Routing,
    SaveRouting,
    AgencyRefused,
    // The overdue list.
    OverdueTitle,
    NothingOverdue,
    MostOverdueFirst,
    /// `{n}` is the number of days past the deadline.
    DaysLate,
    FromTheStart,
    Further,
    // Photos in the cabinet.
    Photos,
    /// `{n}` is the photo's position.
    PhotoN,
    PhotoHidden,
    HidePhoto,
    ShowPhoto,
    // Citizen control on the tracking page.
    ControlTitle,
    ControlText,
    RateSolution,
    ReopenWhy,
    ConfirmSolved,
    Reopen,
    ControlClosed,
    ControlChoose,
    ControlRate,
    VerdictThanks,
    ControlDays,
    ControlDaysRange,
    // Export.
    Download,
    Latitude,
    Longitude,
    // Statistics.
    Stats,
    Period,
    Last30Days,
    Last90Days,
    LastYear,
    AllTime,
    FiledInPeriod,
    OverdueNow,
    FirstAnswerTime,
    ResolutionTime,
    Count,
    DaysShort,
    PeoplesRating,
    AverageRating,
    Verdicts,
    ReopenedShare,
    // Moderation.
    ReasonSpam,
    ReasonNotCity,
    ReasonPersonalData,
    ReasonOther,
    RefusalReason,
    ChooseReason,
    ReasonOnlyForRefusal,
    RedactTitle,
    RedactHint,
    SaveText,
    RedactLength,
    NoteConfirmed,
    NoteReopened,
    NoteRating,
    // The e-mail channel (issue 9).
    MailTitle,
    MailHint,
    NoMailWaiting,
    MailFrom,
    MailSubject,
    MailReceived,
    MailWhy,
    MailText,
    MailAwaiting,
    ReasonUnreadable,
    ReasonNoToken,
    ReasonUnknownToken,
    ReasonRoutedElsewhere,
    ReasonStranger,
    ReasonThreadMismatch,
    ReasonEmpty,
    ReasonRefusalWithoutReason,
    ReasonAutoReply,
    ReasonBounce,
    PublishAnswer,
    Discard,
    AskedStatus,
    AutomaticMail,
    MailNeedsProblem,
    MailGone,
    Delivery,
    DeliveryCabinet,
    DeliveryEmail,
    DeliveryBoth,
    EmailAnswers,
    EmailAnswersPublish,
    EmailAnswersModerate,
    ByEmail,
    ShareWithAgency,
    // Support by a confirmed e-mail (issue 4).
    SupportConfirmTitle,
    SupportConfirmText,
    SupportConfirmButton,
    SupportersNow,
    SupportCountedTitle,
    SupportCountedText,
    ProblemCard,
    // Working days (issue 5).
    WorkingDays,
    Holidays,
    HolidaysHint,
    HolidayNotADay,
    // The read-only analyst role (issue 5).
    ContactsHidden,
    // Response templates (issue 5).
    AnswerTemplate,
    AnswerTemplateHint,
    TemplateTexts,
    AnswerTemplates,
    AnswerTemplatesHint,
    TemplateTitle,
    TemplateText,
    AddTemplate,
    TemplateInvalid,
    TooManyTemplates,
    Delete,
    // Merging duplicates (issue 5).
    DuplicateOf,
    DuplicateNeedsTarget,
    MergedIntoLabel,
    MergedInto,
    MergedHere,
    // The statistics' heat map (issue 5).
    HeatMap,
    HeatMapEmpty,
    HeatMapDesc,
    BusiestPlaces,
    Problems,
    // Districts (issue 5).
    District,
    Districts,
    DistrictsHint,
    NoDistricts,
    DistrictName,
    Vertices,
    DistrictBoundary,
    DistrictBoundaryHint,
    AddDistrict,
    DistrictRefused,
    DistrictRouting,
    AsTheCategory,
    ByDistrict,
    OutsideDistricts,
    AgencyNotChanged,
    PublicStats,
    PublicStatsNote,
    SiteNotFound,
    SiteNotFoundText,
    StatsFailed,
    PublicStatsLink,
    Tick,
    TickReport,
    BulkLegend,
    BulkApply,
    BulkNoneTicked,
    BulkTooMany,
    BulkNotFound,
    BulkNoDuplicate,
    SaveAndNext,
}

impl Msg {
    /// Every message, in declaration order (a test checks that), for the translation tests.
    pub const ALL: &'static [Msg] = &[
        Msg::Brand,
        Msg::LanguageName,
        Msg::Home,
        Msg::PageNotFound,
        Msg::PageNotFoundText,
        Msg::Error,
        Msg::ReportNotFound,
        Msg::ReportNotFoundText,
        Msg::TrackingFailed,
        Msg::ReportNo,
        Msg::Number,
        Msg::Site,
        Msg::Category,
        Msg::Date,
        Msg::Status,
        Msg::Description,
        Msg::Address,
        Msg::Answers,
        Msg::NoAnswersYet,
        Msg::PrivacyTitle,
        Msg::PrivacyHeading,
        Msg::PrivacyNotice,
        Msg::PrivacyUse,
        Msg::PrivacyStorage,
        Msg::BackToTheList,
        Msg::NotFound,
        Msg::NoSuchReport,
        Msg::RequestRefused,
        Msg::RequestRefusedText,
        Msg::NotSaved,
        Msg::SomethingWentWrong,
        Msg::LogOut,
        Msg::LoginTitle,
        Msg::Login,
        Msg::Password,
        Msg::LogIn,
        Msg::FormUnreadable,
        Msg::WrongLogin,
        Msg::Reports,
        Msg::All,
        Msg::Show,
        Msg::NoReports,
        Msg::NewestFirst,
        Msg::NumberSign,
        Msg::ReportsOne,
        Msg::ReportsFew,
        Msg::ReportsMany,
        Msg::Pages,
        Msg::PageN,
        Msg::Newer,
        Msg::Older,
        Msg::NotGiven,
        Msg::Published,
        Msg::Coordinates,
        Msg::SentFrom,
        Msg::ResidentsPage,
        Msg::Supporters,
        Msg::DueBy,
        Msg::Overdue,
        Msg::Reporter,
        Msg::PersonalDataLogged,
        Msg::SignedInViaSite,
        Msg::Name,
        Msg::Email,
        Msg::Phone,
        Msg::History,
        Msg::Resident,
        Msg::AnswerLabel,
        Msg::NoteLabel,
        Msg::ChangeStatus,
        Msg::NewStatus,
        Msg::PublicAnswer,
        Msg::InternalNote,
        Msg::Save,
        Msg::ChooseStatus,
        Msg::AnswerTooLong,
        Msg::RefusalNeedsAnswer,
        Msg::ConfirmTitle,
        Msg::ConfirmText,
        Msg::ConfirmButton,
        Msg::ConfirmedTitle,
        Msg::ConfirmedModeration,
        Msg::ConfirmedPublished,
        Msg::ConfirmLinkInvalid,
        Msg::ConfirmLinkInvalidText,
        Msg::FollowReport,
        Msg::AwaitingConfirmation,
        Msg::Settings,
        Msg::Forbidden,
        Msg::ForbiddenText,
        Msg::AnonymousReports,
        Msg::AnonymousConfirmEmail,
        Msg::AnonymousModerated,
        Msg::AnonymousOff,
        Msg::Premoderation,
        Msg::SsoKeys,
        Msg::SsoKeysHint,
        Msg::NoSsoKeys,
        Msg::Algorithm,
        Msg::Added,
        Msg::Revoked,
        Msg::Active,
        Msg::Revoke,
        Msg::PublicKeyPem,
        Msg::Hs256Secret,
        Msg::AddKey,
        Msg::ChooseAnonymous,
        Msg::KeyRefused,
        Msg::Agency,
        Msg::NotRouted,
        Msg::RouteTo,
        Msg::Route,
        Msg::ChooseAgency,
        Msg::Agencies,
        Msg::AgenciesHint,
        Msg::NoAgencies,
        Msg::AgencyName,
        Msg::AgencyEmail,
        Msg::AddAgency,
        Msg::Routing,
        Msg::SaveRouting,
        Msg::AgencyRefused,
        Msg::OverdueTitle,
        Msg::NothingOverdue,
        Msg::MostOverdueFirst,
        Msg::DaysLate,
        Msg::FromTheStart,
        Msg::Further,
        Msg::Photos,
        Msg::PhotoN,
        Msg::PhotoHidden,
        Msg::HidePhoto,
        Msg::ShowPhoto,
        Msg::ControlTitle,
        Msg::ControlText,
        Msg::RateSolution,
        Msg::ReopenWhy,
        Msg::ConfirmSolved,
        Msg::Reopen,
        Msg::ControlClosed,
        Msg::ControlChoose,
        Msg::ControlRate,
        Msg::VerdictThanks,
        Msg::ControlDays,
        Msg::ControlDaysRange,
        Msg::Download,
        Msg::Latitude,
        Msg::Longitude,
        Msg::Stats,
        Msg::Period,
        Msg::Last30Days,
        Msg::Last90Days,
        Msg::LastYear,
        Msg::AllTime,
        Msg::FiledInPeriod,
        Msg::OverdueNow,
        Msg::FirstAnswerTime,
        Msg::ResolutionTime,
        Msg::Count,
        Msg::DaysShort,
        Msg::PeoplesRating,
        Msg::AverageRating,
        Msg::Verdicts,
        Msg::ReopenedShare,
        Msg::ReasonSpam,
        Msg::ReasonNotCity,
        Msg::ReasonPersonalData,
        Msg::ReasonOther,
        Msg::RefusalReason,
        Msg::ChooseReason,
        Msg::ReasonOnlyForRefusal,
        Msg::RedactTitle,
        Msg::RedactHint,
        Msg::SaveText,
        Msg::RedactLength,
        Msg::NoteConfirmed,
        Msg::NoteReopened,
        Msg::NoteRating,
        Msg::MailTitle,
        Msg::MailHint,
        Msg::NoMailWaiting,
        Msg::MailFrom,
        Msg::MailSubject,
        Msg::MailReceived,
        Msg::MailWhy,
        Msg::MailText,
        Msg::MailAwaiting,
        Msg::ReasonUnreadable,
        Msg::ReasonNoToken,
        Msg::ReasonUnknownToken,
        Msg::ReasonRoutedElsewhere,
        Msg::ReasonStranger,
        Msg::ReasonThreadMismatch,
        Msg::ReasonEmpty,
        Msg::ReasonRefusalWithoutReason,
        Msg::ReasonAutoReply,
        Msg::ReasonBounce,
        Msg::PublishAnswer,
        Msg::Discard,
        Msg::AskedStatus,
        Msg::AutomaticMail,
        Msg::MailNeedsProblem,
        Msg::MailGone,
        Msg::Delivery,
        Msg::DeliveryCabinet,
        Msg::DeliveryEmail,
        Msg::DeliveryBoth,
        Msg::EmailAnswers,
        Msg::EmailAnswersPublish,
        Msg::EmailAnswersModerate,
        Msg::ByEmail,
        Msg::ShareWithAgency,
        Msg::SupportConfirmTitle,
        Msg::SupportConfirmText,
        Msg::SupportConfirmButton,
        Msg::SupportersNow,
        Msg::SupportCountedTitle,
        Msg::SupportCountedText,
        Msg::ProblemCard,
        Msg::WorkingDays,
        Msg::Holidays,
        Msg::HolidaysHint,
        Msg::HolidayNotADay,
        Msg::ContactsHidden,
        Msg::AnswerTemplate,
        Msg::AnswerTemplateHint,
        Msg::TemplateTexts,
        Msg::AnswerTemplates,
        Msg::AnswerTemplatesHint,
        Msg::TemplateTitle,
        Msg::TemplateText,
        Msg::AddTemplate,
        Msg::TemplateInvalid,
        Msg::TooManyTemplates,
        Msg::Delete,
        Msg::DuplicateOf,
        Msg::DuplicateNeedsTarget,
        Msg::MergedIntoLabel,
        Msg::MergedInto,
        Msg::MergedHere,
        Msg::HeatMap,
        Msg::HeatMapEmpty,
        Msg::HeatMapDesc,
        Msg::BusiestPlaces,
        Msg::Problems,
        Msg::District,
        Msg::Districts,
        Msg::DistrictsHint,
        Msg::NoDistricts,
        Msg::DistrictName,
        Msg::Vertices,
        Msg::DistrictBoundary,
        Msg::DistrictBoundaryHint,
        Msg::AddDistrict,
        Msg::DistrictRefused,
        Msg::DistrictRouting,
        Msg::AsTheCategory,
        Msg::ByDistrict,
        Msg::OutsideDistricts,
        Msg::AgencyNotChanged,
        Msg::PublicStats,
        Msg::PublicStatsNote,
        Msg::SiteNotFound,
        Msg::SiteNotFoundText,
        Msg::StatsFailed,
        Msg::PublicStatsLink,
        Msg::Tick,
        Msg::TickReport,
        Msg::BulkLegend,
        Msg::BulkApply,
        Msg::BulkNoneTicked,
        Msg::BulkTooMany,
        Msg::BulkNotFound,
        Msg::BulkNoDuplicate,
        Msg::SaveAndNext,
    ];

    /// Messages that are not words of either language (names, signs): the same in both.
    pub const NOT_WORDS: &'static [Msg] = &[Msg::Brand];
}

/// The text of `msg` in `lang`.
pub fn t(lang: Lang, msg: Msg) -> &'static str {
    use Lang::{En, Ru};
    match (msg, lang) {
        (Msg::Brand, Ru | En) => "Civic Widget",
        (Msg::LanguageName, Ru) => "Русский",
        (Msg::LanguageName, En) => "English",
        (Msg::Home, Ru) => "На главную",
        (Msg::Home, En) => "Home",
        (Msg::PageNotFound, Ru) => "Страница не найдена",
        (Msg::PageNotFound, En) => "Page not found",
        (Msg::PageNotFoundText, Ru) => "Такой страницы нет. Проверьте адрес.",
        (Msg::PageNotFoundText, En) => "There is no such page. Check the address.",
        (Msg::Error, Ru) => "Ошибка",
        (Msg::Error, En) => "Error",
        (Msg::ReportNotFound, Ru) => "Обращение не найдено",
        (Msg::ReportNotFound, En) => "Report not found",
        (Msg::ReportNotFoundText, Ru) => {
            "Обращения с таким кодом нет. Проверьте ссылку из подтверждения."
        }
        (Msg::ReportNotFoundText, En) => {
            "There is no report with this code. Check the link you were given."
        }
        (Msg::TrackingFailed, Ru) => "Не удалось показать обращение. Попробуйте позже.",
        (Msg::TrackingFailed, En) => "Could not show the report. Try again later.",
        (Msg::ReportNo, Ru) => "Обращение № {n}",
        (Msg::ReportNo, En) => "Report No. {n}",
        (Msg::Number, Ru) => "Номер",
        (Msg::Number, En) => "Number",
        (Msg::Site, Ru) => "Сайт",
        (Msg::Site, En) => "Site",
        (Msg::Category, Ru) => "Категория",
        (Msg::Category, En) => "Category",
        (Msg::Date, Ru) => "Дата",
        (Msg::Date, En) => "Date",
        (Msg::Status, Ru) => "Статус",
        (Msg::Status, En) => "Status",
        (Msg::Description, Ru) => "Описание",
        (Msg::Description, En) => "Description",
        (Msg::Address, Ru) => "Адрес",
        (Msg::Address, En) => "Address",
        (Msg::Answers, Ru) => "Ответы",
        (Msg::Answers, En) => "Answers",
        (Msg::NoAnswersYet, Ru) => "Ответов пока нет.",
        (Msg::NoAnswersYet, En) => "No answers yet.",
        (Msg::PrivacyTitle, Ru) => "Политика обработки персональных данных",
        (Msg::PrivacyTitle, En) => "Personal data processing policy",
        (Msg::PrivacyHeading, Ru) => "Политика обработки персональных данных (демо)",
        (Msg::PrivacyHeading, En) => "Personal data processing policy (demo)",
        (Msg::PrivacyNotice, Ru) => {
            "Это заглушка для демонстрационного города. Настоящая администрация публикует свою политику."
        }
        (Msg::PrivacyNotice, En) => {
            "This is a placeholder for the demo city. A real municipality publishes its own policy."
        }
        (Msg::PrivacyUse, Ru) => {
            "Сообщая о проблеме, вы можете не указывать имя, электронную почту и телефон. Если вы их укажете, администрация использует их только для ответа на ваше обращение. Они хранятся отдельно от обращения, никогда не публикуются, а каждый их просмотр сотрудником записывается в журнал."
        }
        (Msg::PrivacyUse, En) => {
            "When you report a problem, your name, e-mail and phone are optional. If you give them, the municipality uses them only to answer your report. They are stored separately from the report, are never published, and every access by an official is logged."
        }
        (Msg::PrivacyStorage, Ru) => {
            "Данные хранятся на серверах в России в соответствии с Федеральным законом № 152-ФЗ «О персональных данных». Вы можете в любой момент попросить администрацию удалить их."
        }
        (Msg::PrivacyStorage, En) => {
            "The data is stored on servers in Russia, in accordance with Federal Law No. 152-FZ “On Personal Data”. You may ask the municipality to delete it at any time."
        }
        (Msg::BackToTheList, Ru) => "К списку обращений",
        (Msg::BackToTheList, En) => "Back to the list",
        (Msg::NotFound, Ru) => "Не найдено",
        (Msg::NotFound, En) => "Not found",
        (Msg::NoSuchReport, Ru) => "Такого обращения нет.",
        (Msg::NoSuchReport, En) => "There is no such report.",
        (Msg::RequestRefused, Ru) => "Запрос отклонён",
        (Msg::RequestRefused, En) => "Request refused",
        (Msg::RequestRefusedText, Ru) => {
            "Форма отправлена не со страницы кабинета или устарела. Обновите страницу и попробуйте ещё раз."
        }
        (Msg::RequestRefusedText, En) => {
            "The form was not sent from a cabinet page, or it is out of date. Reload the page and try again."
        }
        (Msg::NotSaved, Ru) => "Не сохранено",
        (Msg::NotSaved, En) => "Not saved",
        (Msg::SomethingWentWrong, Ru) => "Что-то пошло не так. Попробуйте позже.",
        (Msg::SomethingWentWrong, En) => "Something went wrong. Try again later.",
        (Msg::LogOut, Ru) => "Выйти",
        (Msg::LogOut, En) => "Log out",
        (Msg::LoginTitle, Ru) => "Вход в кабинет",
        (Msg::LoginTitle, En) => "Cabinet login",
        (Msg::Login, Ru) => "Логин",
        (Msg::Login, En) => "Login",
        (Msg::Password, Ru) => "Пароль",
        (Msg::Password, En) => "Password",
        (Msg::LogIn, Ru) => "Войти",
        (Msg::LogIn, En) => "Log in",
        (Msg::FormUnreadable, Ru) => "Форма не прочитана.",
        (Msg::FormUnreadable, En) => "The form could not be read.",
        (Msg::WrongLogin, Ru) => "Неверный логин или пароль.",
        (Msg::WrongLogin, En) => "Wrong login or password.",
        (Msg::Reports, Ru) => "Обращения",
        (Msg::Reports, En) => "Reports",
        (Msg::All, Ru) => "Все",
        (Msg::All, En) => "All",
        (Msg::Show, Ru) => "Показать",
        (Msg::Show, En) => "Show",
        (Msg::NoReports, Ru) => "Обращений нет.",
        (Msg::NoReports, En) => "No reports.",
        (Msg::NewestFirst, Ru) => "Новые сверху",
        (Msg::NewestFirst, En) => "Newest first",
        (Msg::NumberSign, Ru) => "№",
        (Msg::NumberSign, En) => "No.",
        (Msg::ReportsOne, Ru) => "{n} обращение",
        (Msg::ReportsOne, En) => "{n} report",
        (Msg::ReportsFew, Ru) => "{n} обращения",
        (Msg::ReportsFew | Msg::ReportsMany, En) => "{n} reports",
        (Msg::ReportsMany, Ru) => "{n} обращений",
        (Msg::Pages, Ru) => "Страницы",
        (Msg::Pages, En) => "Pages",
        (Msg::PageN, Ru) => "Страница {n}",
        (Msg::PageN, En) => "Page {n}",
        (Msg::Newer, Ru) => "← Новее",
        (Msg::Newer, En) => "← Newer",
        (Msg::Older, Ru) => "Старше →",
        (Msg::Older, En) => "Older →",
        (Msg::NotGiven, Ru) => "не указано",
        (Msg::NotGiven, En) => "not given",
        (Msg::Published, Ru) => "Опубликовано",
        (Msg::Published, En) => "Published",
        (Msg::Coordinates, Ru) => "Координаты",
        (Msg::Coordinates, En) => "Coordinates",
        (Msg::SentFrom, Ru) => "Страница отправки",
        (Msg::SentFrom, En) => "Sent from",
        (Msg::ResidentsPage, Ru) => "Страница жителя",
        (Msg::ResidentsPage, En) => "Resident's page",
        (Msg::Supporters, Ru) => "Поддержали",
        (Msg::Supporters, En) => "Supporters",
        (Msg::DueBy, Ru) => "Срок решения",
        (Msg::DueBy, En) => "Due by",
        (Msg::Overdue, Ru) => "просрочено",
        (Msg::Overdue, En) => "overdue",
        (Msg::Reporter, Ru) => "Заявитель",
        (Msg::Reporter, En) => "Reporter",
        (Msg::PersonalDataLogged, Ru) => "Персональные данные (152-ФЗ). Просмотр записан в журнал.",
        (Msg::PersonalDataLogged, En) => "Personal data (152-FZ). This view has been logged.",
        (Msg::SignedInViaSite, Ru) => "Вошёл через сайт",
        (Msg::SignedInViaSite, En) => "Signed in via the site",
        (Msg::Name, Ru) => "Имя",
        (Msg::Name, En) => "Name",
        (Msg::Email, Ru) => "Эл. почта",
        (Msg::Email, En) => "E-mail",
        (Msg::Phone, Ru) => "Телефон",
        (Msg::Phone, En) => "Phone",
        (Msg::History, Ru) => "История",
        (Msg::History, En) => "History",
        (Msg::Resident, Ru) => "житель",
        (Msg::Resident, En) => "resident",
        (Msg::AnswerLabel, Ru) => "Ответ: ",
        (Msg::AnswerLabel, En) => "Answer: ",
        (Msg::NoteLabel, Ru) => "Заметка: ",
        (Msg::NoteLabel, En) => "Note: ",
        (Msg::ChangeStatus, Ru) => "Изменить статус",
        (Msg::ChangeStatus, En) => "Change the status",
        (Msg::NewStatus, Ru) => "Новый статус",
        (Msg::NewStatus, En) => "New status",
        (Msg::PublicAnswer, Ru) => "Публичный ответ (увидит житель)",
        (Msg::PublicAnswer, En) => "Public answer (the resident sees it)",
        (Msg::InternalNote, Ru) => "Внутренняя заметка (только для сотрудников)",
        (Msg::InternalNote, En) => "Internal note (officials only)",
        (Msg::Save, Ru) => "Сохранить",
        (Msg::Save, En) => "Save",
        (Msg::ChooseStatus, Ru) => "Выберите статус.",
        (Msg::ChooseStatus, En) => "Choose a status.",
        (Msg::AnswerTooLong, Ru) => "Ответ или заметка длиннее {n} символов.",
        (Msg::AnswerTooLong, En) => "The answer or the note is longer than {n} characters.",
        (Msg::RefusalNeedsAnswer, Ru) => {
            "Для отказа нужен публичный ответ: объясните жителю причину."
        }
        (Msg::RefusalNeedsAnswer, En) => "Refusing needs a public answer: tell the resident why.",
        (Msg::ConfirmTitle, Ru) => "Подтверждение сообщения",
        (Msg::ConfirmTitle, En) => "Confirm your report",
        (Msg::ConfirmText, Ru) => {
            "Подтвердите, что сообщение о проблеме № {n} отправили вы. Без подтверждения его не рассматривают."
        }
        (Msg::ConfirmText, En) => {
            "Please confirm that you sent the report of problem No. {n}. Unconfirmed reports are not considered."
        }
        (Msg::ConfirmButton, Ru) => "Подтвердить сообщение",
        (Msg::ConfirmButton, En) => "Confirm the report",
        (Msg::ConfirmedTitle, Ru) => "Сообщение подтверждено",
        (Msg::ConfirmedTitle, En) => "Report confirmed",
        (Msg::ConfirmedModeration, Ru) => {
            "Спасибо! Сообщение № {n} передано модератору. После проверки его опубликуют и направят исполнителю."
        }
        (Msg::ConfirmedModeration, En) => {
            "Thank you! Report No. {n} went to the moderators. Once checked, it is published and passed on to the agency."
        }
        (Msg::ConfirmedPublished, Ru) => {
            "Спасибо! Сообщение № {n} опубликовано и направлено на рассмотрение."
        }
        (Msg::ConfirmedPublished, En) => {
            "Thank you! Report No. {n} is published and passed on to be dealt with."
        }
        (Msg::ConfirmLinkInvalid, Ru) => "Ссылка недействительна",
        (Msg::ConfirmLinkInvalid, En) => "This link does not work",
        (Msg::ConfirmLinkInvalidText, Ru) => {
            "Ссылка устарела или набрана с ошибкой. Если сообщение не подтверждено вовремя, отправьте его ещё раз."
        }
        (Msg::ConfirmLinkInvalidText, En) => {
            "The link has expired or is mistyped. If a report was not confirmed in time, please send it again."
        }
        (Msg::FollowReport, Ru) => "Следить за сообщением",
        (Msg::FollowReport, En) => "Follow the report",
        (Msg::AwaitingConfirmation, Ru) => {
            "Ожидает подтверждения: откройте ссылку из письма, которое мы отправили на ваш адрес."
        }
        (Msg::AwaitingConfirmation, En) => {
            "Waiting for confirmation: open the link in the e-mail we sent you."
        }
        (Msg::Settings, Ru) => "Настройки",
        (Msg::Settings, En) => "Settings",
        (Msg::Forbidden, Ru) => "Недостаточно прав",
        (Msg::Forbidden, En) => "Not allowed",
        (Msg::ForbiddenText, Ru) => "Ваша роль не позволяет это сделать.",
        (Msg::ForbiddenText, En) => "Your role does not allow this.",
        (Msg::AnonymousReports, Ru) => "Сообщения от посетителей, не вошедших через сайт",
        (Msg::AnonymousReports, En) => "Reports from visitors not signed in through the site",
        (Msg::AnonymousConfirmEmail, Ru) => {
            "Принимать после подтверждения по электронной почте (ссылка в письме)"
        }
        (Msg::AnonymousConfirmEmail, En) => "Accept once confirmed by e-mail (a link in a message)",
        (Msg::AnonymousModerated, Ru) => "Принимать как есть: их проверят модераторы",
        (Msg::AnonymousModerated, En) => "Accept as they are: the moderators check them",
        (Msg::AnonymousOff, Ru) => "Не принимать: сообщать могут только вошедшие",
        (Msg::AnonymousOff, En) => "Do not accept: only signed-in residents may report",
        (Msg::Premoderation, Ru) => {
            "Премодерация: сообщение публикуется только после проверки модератором"
        }
        (Msg::Premoderation, En) => {
            "Pre-moderation: a report is published only after a moderator checked it"
        }
        (Msg::SsoKeys, Ru) => "Ключи входа через сайт (единый вход)",
        (Msg::SsoKeys, En) => "Sign-in keys of the site (SSO)",
        (Msg::SsoKeysHint, Ru) => {
            "Сервер сайта подписывает ими токены жителей. Надёжнее открытый ключ Ed25519 или P-256: им нельзя подписать токен."
        }
        (Msg::SsoKeysHint, En) => {
            "The site's server signs residents' tokens with them. A public Ed25519 or P-256 key is safer: it cannot sign a token."
        }
        (Msg::NoSsoKeys, Ru) => "Ключей нет: вход через сайт выключен.",
        (Msg::NoSsoKeys, En) => "No keys: sign-in through the site is off.",
        (Msg::Algorithm, Ru) => "Алгоритм",
        (Msg::Algorithm, En) => "Algorithm",
        (Msg::Added, Ru) => "Добавлен",
        (Msg::Added, En) => "Added",
        (Msg::Revoked, Ru) => "Отозван",
        (Msg::Revoked, En) => "Revoked",
        (Msg::Active, Ru) => "Действует",
        (Msg::Active, En) => "Active",
        (Msg::Revoke, Ru) => "Отозвать",
        (Msg::Revoke, En) => "Revoke",
        (Msg::PublicKeyPem, Ru) => "Открытый ключ",
        (Msg::PublicKeyPem, En) => "Public key (PEM)",
        (Msg::Hs256Secret, Ru) => "или общий секрет HS256 (не короче 32 байт)",
        (Msg::Hs256Secret, En) => "or an HS256 shared secret (32 bytes at least)",
        (Msg::AddKey, Ru) => "Добавить ключ",
        (Msg::AddKey, En) => "Add the key",
        (Msg::ChooseAnonymous, Ru) => "Выберите, что делать с сообщениями не вошедших посетителей.",
        (Msg::ChooseAnonymous, En) => {
            "Choose what to do with reports of visitors who are not signed in."
        }
        (Msg::KeyRefused, Ru) => {
            "Ключ не принят: укажите идентификатор ключа и либо открытый ключ, либо секрет."
        }
        (Msg::KeyRefused, En) => {
            "The key was refused: give a kid and either a public key or a secret."
        }
        (Msg::Agency, Ru) => "Исполнитель",
        (Msg::Agency, En) => "Agency",
        (Msg::NotRouted, Ru) => "не назначен",
        (Msg::NotRouted, En) => "not routed",
        (Msg::RouteTo, Ru) => "Направить исполнителю",
        (Msg::RouteTo, En) => "Route to an agency",
        (Msg::Route, Ru) => "Направить",
        (Msg::Route, En) => "Route",
        (Msg::ChooseAgency, Ru) => "Выберите исполнителя из списка.",
        (Msg::ChooseAgency, En) => "Choose an agency from the list.",
        (Msg::Agencies, Ru) => "Исполнители (ведомства, службы)",
        (Msg::Agencies, En) => "Agencies (departments, services)",
        (Msg::AgenciesHint, Ru) => {
            "Каждую категорию можно закрепить за исполнителем: опубликованное обращение уходит ему, и он получает письмо."
        }
        (Msg::AgenciesHint, En) => {
            "Each category can be routed to an agency: a published report goes to it, and it gets an e-mail."
        }
        (Msg::NoAgencies, Ru) => "Исполнителей пока нет.",
        (Msg::NoAgencies, En) => "No agencies yet.",
        (Msg::AgencyName, Ru) => "Название",
        (Msg::AgencyName, En) => "Name",
        (Msg::AgencyEmail, Ru) => "Электронная почта для обращений",
        (Msg::AgencyEmail, En) => "E-mail for reports",
        (Msg::AddAgency, Ru) => "Добавить исполнителя",
        (Msg::AddAgency, En) => "Add the agency",
        (Msg::Routing, Ru) => "Куда направлять обращения",
        (Msg::Routing, En) => "Where reports go",
        (Msg::SaveRouting, Ru) => "Сохранить маршруты",
        (Msg::SaveRouting, En) => "Save the routing",
        (Msg::AgencyRefused, Ru) => "Исполнитель не добавлен",
        (Msg::AgencyRefused, En) => "The agency was not added",
        (Msg::OverdueTitle, Ru) => "Просроченные",
        (Msg::OverdueTitle, En) => "Overdue",
        (Msg::NothingOverdue, Ru) => "Просроченных обращений нет.",
        (Msg::NothingOverdue, En) => "Nothing is overdue.",
        (Msg::MostOverdueFirst, Ru) => "Сначала самые просроченные",
        (Msg::MostOverdueFirst, En) => "The most overdue first",
        (Msg::DaysLate, Ru) => "просрочено на {n} дн.",
        (Msg::DaysLate, En) => "{n} days late",
        (Msg::FromTheStart, Ru) => "В начало",
        (Msg::FromTheStart, En) => "From the start",
        (Msg::Further, Ru) => "Дальше",
        (Msg::Further, En) => "Further",
        (Msg::Photos, Ru) => "Фотографии",
        (Msg::Photos, En) => "Photos",
        (Msg::PhotoN, Ru) => "Фото {n}",
        (Msg::PhotoN, En) => "Photo {n}",
        (Msg::PhotoHidden, Ru) => "скрыто от жителей",
        (Msg::PhotoHidden, En) => "hidden from the public",
        (Msg::HidePhoto, Ru) => "Скрыть",
        (Msg::HidePhoto, En) => "Hide",
        (Msg::ShowPhoto, Ru) => "Показать жителям",
        (Msg::ShowPhoto, En) => "Show to the public",
        (Msg::ControlTitle, Ru) => "Проблема решена?",
        (Msg::ControlTitle, En) => "Is the problem solved?",
        (Msg::ControlText, Ru) => {
            "Исполнитель сообщил, что проблема решена. Подтвердите это или верните обращение в работу и оцените решение."
        }
        (Msg::ControlText, En) => {
            "The agency says the problem is solved. Confirm it, or send the report back to work, and rate the solution."
        }
        (Msg::RateSolution, Ru) => "Оценка решения (1 — плохо, 5 — отлично)",
        (Msg::RateSolution, En) => "Rating of the solution (1 poor, 5 excellent)",
        (Msg::ReopenWhy, Ru) => "Если не решена: что осталось не так?",
        (Msg::ReopenWhy, En) => "If not solved: what is still wrong?",
        (Msg::ConfirmSolved, Ru) => "Да, решена",
        (Msg::ConfirmSolved, En) => "Yes, it is solved",
        (Msg::Reopen, Ru) => "Нет, вернуть в работу",
        (Msg::Reopen, En) => "No, reopen it",
        (Msg::ControlClosed, Ru) => {
            "Ответить уже нельзя: срок прошёл, ответ уже дан или проблема не отмечена решённой."
        }
        (Msg::ControlClosed, En) => {
            "This can no longer be answered: the term is over, an answer was given, or the problem is not marked solved."
        }
        (Msg::ControlChoose, Ru) => "Выберите: решена проблема или нет.",
        (Msg::ControlChoose, En) => "Choose whether the problem is solved or not.",
        (Msg::ControlRate, Ru) => "Чтобы подтвердить решение, поставьте оценку от 1 до 5.",
        (Msg::ControlRate, En) => "To confirm the solution, give a rating from 1 to 5.",
        (Msg::VerdictThanks, Ru) => "Спасибо! Ваш ответ учтён.",
        (Msg::VerdictThanks, En) => "Thank you! Your answer is recorded.",
        (Msg::ControlDays, Ru) => {
            "Сколько дней житель может подтвердить решение или вернуть обращение в работу"
        }
        (Msg::ControlDays, En) => {
            "Days the resident has to confirm a solution or reopen the report"
        }
        (Msg::ControlDaysRange, Ru) => "Срок — от 0 до 365 дней.",
        (Msg::ControlDaysRange, En) => "The term is 0 to 365 days.",
        (Msg::Download, Ru) => "Скачать список:",
        (Msg::Download, En) => "Download the list:",
        (Msg::Latitude, Ru) => "Широта",
        (Msg::Latitude, En) => "Latitude",
        (Msg::Longitude, Ru) => "Долгота",
        (Msg::Longitude, En) => "Longitude",
        (Msg::Stats, Ru) => "Статистика",
        (Msg::Stats, En) => "Statistics",
        (Msg::Period, Ru) => "Период",
        (Msg::Period, En) => "Period",
        (Msg::Last30Days, Ru) => "30 дней",
        (Msg::Last30Days, En) => "30 days",
        (Msg::Last90Days, Ru) => "90 дней",
        (Msg::Last90Days, En) => "90 days",
        (Msg::LastYear, Ru) => "Год",
        (Msg::LastYear, En) => "A year",
        (Msg::AllTime, Ru) => "Всё время",
        (Msg::AllTime, En) => "All time",
        (Msg::FiledInPeriod, Ru) => "Поступило за период",
        (Msg::FiledInPeriod, En) => "Filed in the period",
        (Msg::OverdueNow, Ru) => "Просрочено сейчас",
        (Msg::OverdueNow, En) => "Overdue now",
        (Msg::FirstAnswerTime, Ru) => "До первого ответа (медиана / 90%)",
        (Msg::FirstAnswerTime, En) => "To the first answer (median / 90%)",
        (Msg::ResolutionTime, Ru) => "До решения (медиана / 90%)",
        (Msg::ResolutionTime, En) => "To resolution (median / 90%)",
        (Msg::Count, Ru) => "Количество",
        (Msg::Count, En) => "Count",
        (Msg::DaysShort, Ru) => "{n} дн.",
        (Msg::DaysShort, En) => "{n} days",
        (Msg::PeoplesRating, Ru) => "Народный рейтинг служб",
        (Msg::PeoplesRating, En) => "The people's rating of services",
        (Msg::AverageRating, Ru) => "Средняя оценка",
        (Msg::AverageRating, En) => "Average rating",
        (Msg::Verdicts, Ru) => "Оценок",
        (Msg::Verdicts, En) => "Verdicts",
        (Msg::ReopenedShare, Ru) => "Возвращено в работу",
        (Msg::ReopenedShare, En) => "Reopened",
        (Msg::ReasonSpam, Ru) => "Спам",
        (Msg::ReasonSpam, En) => "Spam",
        (Msg::ReasonNotCity, Ru) => "Не вопрос города",
        (Msg::ReasonNotCity, En) => "Not a city matter",
        (Msg::ReasonPersonalData, Ru) => "Содержит персональные данные",
        (Msg::ReasonPersonalData, En) => "Contains personal data",
        (Msg::ReasonOther, Ru) => "Другое",
        (Msg::ReasonOther, En) => "Other",
        (Msg::RefusalReason, Ru) => "Причина отказа",
        (Msg::RefusalReason, En) => "Reason for refusal",
        (Msg::ChooseReason, Ru) => "Выберите причину отказа из списка.",
        (Msg::ChooseReason, En) => "Choose a reason for refusal from the list.",
        (Msg::ReasonOnlyForRefusal, Ru) => "Причина указывается только при отказе.",
        (Msg::ReasonOnlyForRefusal, En) => "A reason goes with a refusal only.",
        (Msg::RedactTitle, Ru) => "Исправить текст перед публикацией",
        (Msg::RedactTitle, En) => "Correct the text before publishing",
        (Msg::RedactHint, Ru) => {
            "Уберите персональные данные и оскорбления: жители увидят только исправленный текст."
        }
        (Msg::RedactHint, En) => {
            "Remove personal data and insults: the public sees only the corrected text."
        }
        (Msg::SaveText, Ru) => "Сохранить текст",
        (Msg::SaveText, En) => "Save the text",
        (Msg::RedactLength, Ru) => "Текст обращения — от 10 до 4000 символов.",
        (Msg::RedactLength, En) => "A report's text is 10 to 4000 characters.",
        (Msg::NoteConfirmed, Ru) => "Житель подтвердил решение",
        (Msg::NoteConfirmed, En) => "The resident confirmed the solution",
        (Msg::NoteReopened, Ru) => "Житель вернул в работу",
        (Msg::NoteReopened, En) => "The resident reopened it",
        (Msg::NoteRating, Ru) => "; оценка {n}",
        (Msg::NoteRating, En) => "; rating {n}",
        (Msg::MailTitle, Ru) => "Почта от служб",
        (Msg::MailTitle, En) => "Mail from agencies",
        (Msg::MailHint, Ru) => {
            "Ответы служб по электронной почте, которые ждут решения человека: не сопоставленные с обращением, не с адреса службы или ожидающие проверки модератором. Ничего отсюда не публикуется само."
        }
        (Msg::MailHint, En) => {
            "Agencies' e-mailed answers that wait for a person: not matched to an appeal, not from the agency's address, or waiting for a moderator. Nothing here is published by itself."
        }
        (Msg::NoMailWaiting, Ru) => "Писем, ждущих решения, нет.",
        (Msg::NoMailWaiting, En) => "No mail waits for a decision.",
        (Msg::MailFrom, Ru) => "От кого",
        (Msg::MailFrom, En) => "From",
        (Msg::MailSubject, Ru) => "Тема",
        (Msg::MailSubject, En) => "Subject",
        (Msg::MailReceived, Ru) => "Получено",
        (Msg::MailReceived, En) => "Received",
        (Msg::MailWhy, Ru) => "Почему здесь",
        (Msg::MailWhy, En) => "Why it is here",
        (Msg::MailText, Ru) => "Текст ответа",
        (Msg::MailText, En) => "The answer's text",
        (Msg::MailAwaiting, Ru) => "Ждёт проверки модератором",
        (Msg::MailAwaiting, En) => "Waiting for a moderator",
        (Msg::ReasonUnreadable, Ru) => "Письмо не удалось прочитать",
        (Msg::ReasonUnreadable, En) => "The message could not be read",
        (Msg::ReasonNoToken, Ru) => "Письмо пришло не на адрес ответа по обращению",
        (Msg::ReasonNoToken, En) => "Not sent to an appeal's reply address",
        (Msg::ReasonUnknownToken, Ru) => "Неизвестный адрес ответа",
        (Msg::ReasonUnknownToken, En) => "An unknown reply address",
        (Msg::ReasonRoutedElsewhere, Ru) => "Обращение с тех пор передано другой службе",
        (Msg::ReasonRoutedElsewhere, En) => "The problem has been routed to another agency since",
        (Msg::ReasonStranger, Ru) => "Отправитель — не адрес службы",
        (Msg::ReasonStranger, En) => "The sender is not the agency's address",
        (Msg::ReasonThreadMismatch, Ru) => "Письмо отвечает на другое сообщение",
        (Msg::ReasonThreadMismatch, En) => "It answers another message",
        (Msg::ReasonEmpty, Ru) => "В ответе нет ни текста, ни статуса, ни фотографий",
        (Msg::ReasonEmpty, En) => "The reply has no text, status or photo",
        (Msg::ReasonRefusalWithoutReason, Ru) => "Отказ без объяснения причины",
        (Msg::ReasonRefusalWithoutReason, En) => "A refusal without a reason",
        (Msg::ReasonAutoReply, Ru) => "Автоответ",
        (Msg::ReasonAutoReply, En) => "An auto-reply",
        (Msg::ReasonBounce, Ru) => "Письмо не доставлено (отчёт почтового сервера)",
        (Msg::ReasonBounce, En) => "Not delivered (a mail server's report)",
        (Msg::PublishAnswer, Ru) => "Опубликовать как ответ",
        (Msg::PublishAnswer, En) => "Publish as the answer",
        (Msg::Discard, Ru) => "Отклонить",
        (Msg::Discard, En) => "Discard",
        (Msg::AskedStatus, Ru) => "Новый статус из письма",
        (Msg::AskedStatus, En) => "The status the reply asks for",
        (Msg::AutomaticMail, Ru) => "Последние автоматические письма",
        (Msg::AutomaticMail, En) => "Recent automatic messages",
        (Msg::MailNeedsProblem, Ru) => "Укажите номер проблемы вашего муниципалитета.",
        (Msg::MailNeedsProblem, En) => "Give the number of a problem of your municipality.",
        (Msg::MailGone, Ru) => "Это письмо уже обработано.",
        (Msg::MailGone, En) => "This message has been handled already.",
        (Msg::Delivery, Ru) => "Как служба получает обращения",
        (Msg::Delivery, En) => "How the agency gets problems",
        (Msg::DeliveryCabinet, Ru) => "Уведомление со ссылкой на кабинет",
        (Msg::DeliveryCabinet, En) => "A notice with the cabinet link",
        (Msg::DeliveryEmail, Ru) => "Официальное письмо, ответ по почте",
        (Msg::DeliveryEmail, En) => "A formal appeal, answered by e-mail",
        (Msg::DeliveryBoth, Ru) => "Официальное письмо и кабинет",
        (Msg::DeliveryBoth, En) => "The formal appeal and the cabinet",
        (Msg::EmailAnswers, Ru) => "Ответы служб по почте",
        (Msg::EmailAnswers, En) => "Agencies' e-mailed answers",
        (Msg::EmailAnswersPublish, Ru) => "Публиковать сразу",
        (Msg::EmailAnswersPublish, En) => "Publish at once",
        (Msg::EmailAnswersModerate, Ru) => "Публиковать после проверки модератором",
        (Msg::EmailAnswersModerate, En) => "Publish after a moderator checks them",
        (Msg::ByEmail, Ru) => "ответ по электронной почте",
        (Msg::ByEmail, En) => "answered by e-mail",
        (Msg::ShareWithAgency, Ru) => "Заявитель согласен передать контакты службе",
        (Msg::ShareWithAgency, En) => "The reporter agrees to share their contacts with the agency",
        (Msg::SupportConfirmTitle, Ru) => "Подтвердите поддержку",
        (Msg::SupportConfirmTitle, En) => "Confirm your support",
        (Msg::SupportConfirmText, Ru) => {
            "Нажмите кнопку, чтобы учесть ваш голос: проблема № {n} касается и вас."
        }
        (Msg::SupportConfirmText, En) => {
            "Press the button to count your vote: problem No. {n} affects you too."
        }
        (Msg::SupportConfirmButton, Ru) => "Да, это касается и меня",
        (Msg::SupportConfirmButton, En) => "Yes, it affects me too",
        (Msg::SupportersNow, Ru) => "Поддержали: {n}",
        (Msg::SupportersNow, En) => "Supporters: {n}",
        (Msg::SupportCountedTitle, Ru) => "Голос учтён",
        (Msg::SupportCountedTitle, En) => "Your vote is counted",
        (Msg::SupportCountedText, Ru) => {
            "Спасибо! Ваш голос за проблему № {n} учтён; с одного адреса он учитывается один раз."
        }
        (Msg::SupportCountedText, En) => {
            "Thank you! Your vote for problem No. {n} is counted; one address counts once."
        }
        (Msg::ProblemCard, Ru) => "Карточка проблемы",
        (Msg::ProblemCard, En) => "The problem's card",
        (Msg::WorkingDays, Ru) => {
            "Сроки решения — в рабочих днях (без суббот, воскресений и праздников)"
        }
        (Msg::WorkingDays, En) => "Terms count working days (no Saturdays, Sundays or holidays)",
        (Msg::Holidays, Ru) => "Праздничные дни",
        (Msg::Holidays, En) => "Holidays",
        (Msg::HolidaysHint, Ru) => {
            "Даты в виде ГГГГ-ММ-ДД, по одной в строке: они не считаются рабочими. Сроки уже опубликованных проблем не меняются."
        }
        (Msg::HolidaysHint, En) => {
            "Dates as YYYY-MM-DD, one per line: they are not working days. Deadlines of problems already published stay as they are."
        }
        (Msg::HolidayNotADay, Ru) => "«{n}» — не дата вида ГГГГ-ММ-ДД.",
        (Msg::HolidayNotADay, En) => "\"{n}\" is not a date like YYYY-MM-DD.",
        (Msg::ContactsHidden, Ru) => "Контакты заявителя скрыты для вашей роли",
        (Msg::ContactsHidden, En) => "The reporter's contacts are hidden for your role",
        (Msg::AnswerTemplate, Ru) => "Шаблон ответа",
        (Msg::AnswerTemplate, En) => "Response template",
        (Msg::AnswerTemplateHint, Ru) => {
            "Если поле ответа пустое, ответом станет текст выбранного шаблона."
        }
        (Msg::AnswerTemplateHint, En) => {
            "If the answer field is empty, the chosen template's text becomes the answer."
        }
        (Msg::TemplateTexts, Ru) => "Тексты шаблонов",
        (Msg::TemplateTexts, En) => "The templates' texts",
        (Msg::AnswerTemplates, Ru) => "Шаблоны ответов",
        (Msg::AnswerTemplates, En) => "Response templates",
        (Msg::AnswerTemplatesHint, Ru) => {
            "Типовые ответы по категориям: форма статуса проблемы предлагает шаблоны её категории."
        }
        (Msg::AnswerTemplatesHint, En) => {
            "Standard answers per category: a problem's status form offers its category's templates."
        }
        (Msg::TemplateTitle, Ru) => "Название",
        (Msg::TemplateTitle, En) => "Title",
        (Msg::TemplateText, Ru) => "Текст ответа",
        (Msg::TemplateText, En) => "Answer text",
        (Msg::AddTemplate, Ru) => "Добавить шаблон",
        (Msg::AddTemplate, En) => "Add the template",
        (Msg::TemplateInvalid, Ru) => {
            "Шаблон не найден или заполнен не полностью: нужны категория, название (до 100 символов) и текст."
        }
        (Msg::TemplateInvalid, En) => {
            "The template is unknown or incomplete: a category, a title (up to 100 characters) and a text are needed."
        }
        (Msg::TooManyTemplates, Ru) => "У категории уже {n} шаблонов: удалите ненужные.",
        (Msg::TooManyTemplates, En) => "The category has {n} templates already: delete some first.",
        (Msg::Delete, Ru) => "Удалить",
        (Msg::Delete, En) => "Delete",
        (Msg::DuplicateOf, Ru) => "Номер основной проблемы (для статуса «Дубликат»)",
        (Msg::DuplicateOf, En) => "The main problem's number (for the status \"Duplicate\")",
        (Msg::DuplicateNeedsTarget, Ru) => {
            "Для статуса «Дубликат» укажите номер другой опубликованной проблемы вашего муниципалитета: обращение будет объединено с ней."
        }
        (Msg::DuplicateNeedsTarget, En) => {
            "For the status \"Duplicate\" give the number of another published problem of your municipality: the report is merged into it."
        }
        (Msg::MergedIntoLabel, Ru) => "Объединена с",
        (Msg::MergedIntoLabel, En) => "Merged into",
        (Msg::MergedInto, Ru) => "проблемой № {n}: за её решением можно следить там",
        (Msg::MergedInto, En) => "problem No. {n}: follow its solution there",
        (Msg::MergedHere, Ru) => "Объединённые с ней сообщения",
        (Msg::MergedHere, En) => "Reports merged into it",
        (Msg::HeatMap, Ru) => "Где сообщают о проблемах",
        (Msg::HeatMap, En) => "Where problems are reported",
        (Msg::HeatMapEmpty, Ru) => "За этот период нет обращений с местом на карте.",
        (Msg::HeatMapEmpty, En) => "No reports with a place on the map in this period.",
        (Msg::HeatMapDesc, Ru) => {
            "Тепловая карта территории: чем темнее клетка, тем больше обращений; больше всего в одной клетке — {n}."
        }
        (Msg::HeatMapDesc, En) => {
            "A heat map of the area: the darker a cell, the more reports; the most in one cell: {n}."
        }
        (Msg::BusiestPlaces, Ru) => "Самые частые места (центр клетки)",
        (Msg::BusiestPlaces, En) => "The busiest places (the cell's centre)",
        (Msg::Problems, Ru) => "Обращений",
        (Msg::Problems, En) => "Reports",
        (Msg::District, Ru) => "Район",
        (Msg::District, En) => "District",
        (Msg::Districts, Ru) => "Районы",
        (Msg::Districts, En) => "Districts",
        (Msg::DistrictsHint, Ru) => {
            "Районы делят территорию муниципалитета. Обращение с местом на карте относится к первому по алфавиту району, в границы которого попадает; в районе каждую категорию можно направить своему исполнителю (иначе — исполнителю категории). Район с тем же названием заменяется, его маршруты сохраняются."
        }
        (Msg::DistrictsHint, En) => {
            "Districts divide the municipality's area. A report with a place on the map belongs to the first district (by name) whose boundary contains it; in a district each category may go to an agency of its own (else to the category's). A district with the same name is replaced; its routing is kept."
        }
        (Msg::NoDistricts, Ru) => "Районов пока нет: обращения направляются по категориям.",
        (Msg::NoDistricts, En) => "No districts yet: reports are routed by their category.",
        (Msg::DistrictName, Ru) => "Название района",
        (Msg::DistrictName, En) => "District name",
        (Msg::Vertices, Ru) => "Вершин",
        (Msg::Vertices, En) => "Vertices",
        (Msg::DistrictBoundary, Ru) => "Граница района",
        (Msg::DistrictBoundary, En) => "The district's boundary",
        (Msg::DistrictBoundaryHint, Ru) => {
            "Вставьте геометрию многоугольника или мультимногоугольника в формате геоданных, как её выгружают геоинформационные системы (или объект с такой геометрией, или их набор); координаты — сначала долгота, затем широта. Не больше {n} вершин. Пример:"
        }
        (Msg::DistrictBoundaryHint, En) => {
            "Paste a Polygon or MultiPolygon geometry in GeoJSON, as GIS software exports it (or a Feature or FeatureCollection of them); coordinates are longitude first, then latitude. At most {n} vertices. For example:"
        }
        (Msg::AddDistrict, Ru) => "Добавить или заменить район",
        (Msg::AddDistrict, En) => "Add or replace the district",
        (Msg::DistrictRefused, Ru) => "Район не сохранён",
        (Msg::DistrictRefused, En) => "The district was not saved",
        (Msg::DistrictRouting, Ru) => "Исполнители по районам",
        (Msg::DistrictRouting, En) => "Agencies by district",
        (Msg::AsTheCategory, Ru) => "как у категории",
        (Msg::AsTheCategory, En) => "as the category",
        (Msg::ByDistrict, Ru) => "По районам",
        (Msg::ByDistrict, En) => "By district",
        (Msg::OutsideDistricts, Ru) => "Вне районов",
        (Msg::OutsideDistricts, En) => "Outside districts",
        (Msg::AgencyNotChanged, Ru) => "Исполнитель не изменён",
        (Msg::AgencyNotChanged, En) => "The agency was not changed",
        (Msg::PublicStats, Ru) => "Обращения в цифрах",
        (Msg::PublicStats, En) => "Reports in figures",
        (Msg::PublicStatsNote, Ru) => {
            "Только опубликованные обращения; имена и контакты заявителей не показываются. Цифры обновляются раз в пять минут."
        }
        (Msg::PublicStatsNote, En) => {
            "Published reports only; no reporter's name or contacts are shown. The figures are updated every five minutes."
        }
        (Msg::SiteNotFound, Ru) => "Сайт не найден",
        (Msg::SiteNotFound, En) => "Site not found",
        (Msg::SiteNotFoundText, Ru) => "Сайта с таким ключом нет. Проверьте адрес ссылки.",
        (Msg::SiteNotFoundText, En) => "There is no site with this key. Check the link's address.",
        (Msg::StatsFailed, Ru) => "Не удалось посчитать статистику. Попробуйте позже.",
        (Msg::StatsFailed, En) => "Could not count the figures. Try again later.",
        (Msg::PublicStatsLink, Ru) => "Обращения города в цифрах",
        (Msg::PublicStatsLink, En) => "The city's reports in figures",
        (Msg::Tick, Ru) => "Отметка",
        (Msg::Tick, En) => "Tick",
        (Msg::TickReport, Ru) => "Отметить обращение № {n}",
        (Msg::TickReport, En) => "Tick report No. {n}",
        (Msg::BulkLegend, Ru) => "С отмеченными обращениями",
        (Msg::BulkLegend, En) => "With the reports ticked",
        (Msg::BulkApply, Ru) => "Применить к отмеченным",
        (Msg::BulkApply, En) => "Apply to the ticked",
        (Msg::BulkNoneTicked, Ru) => "Отметьте в списке хотя бы одно обращение.",
        (Msg::BulkNoneTicked, En) => "Tick at least one report in the list.",
        (Msg::BulkTooMany, Ru) => "За раз можно изменить не больше {n} обращений.",
        (Msg::BulkTooMany, En) => "At most {n} reports can be changed at once.",
        (Msg::BulkNotFound, Ru) => {
            "Обращение № {n} не найдено или вам недоступно; ничего не изменено."
        }
        (Msg::BulkNotFound, En) => {
            "Report No. {n} was not found or is not yours to change; nothing was changed."
        }
        (Msg::BulkNoDuplicate, Ru) => "Дубликаты объединяются по одному, на странице обращения.",
        (Msg::BulkNoDuplicate, En) => "Duplicates are merged one at a time, on the report's page.",
        (Msg::SaveAndNext, Ru) => "Сохранить и к следующему",
        (Msg::SaveAndNext, En) => "Save and go to the next",
    }
}

/// [`t`] with `{n}` replaced by `n`.
pub fn tn(lang: Lang, msg: Msg, n: impl std::fmt::Display) -> String {
    t(lang, msg).replace("{n}", &n.to_string())
}

/// The plural form a number takes. Russian has three (1 обращение, 2 обращения, 5 обращений);
/// English two, which are `One` and `Many` here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plural {
    One,
    Few,
    Many,
}

/// The plural form of `n` in `lang` (CLDR's rules for integers).
pub fn plural(lang: Lang, n: u64) -> Plural {
    match lang {
        Lang::En if n == 1 => Plural::One,
        Lang::En => Plural::Many,
        Lang::Ru => match (n % 10, n % 100) {
            (1, r) if r != 11 => Plural::One,
            (2..=4, r) if !(12..=14).contains(&r) => Plural::Few,
            _ => Plural::Many,
        },
    }
}

/// "5 обращений" / "5 reports".
pub fn reports_count(lang: Lang, n: u64) -> String {
    let msg = match plural(lang, n) {
        Plural::One => Msg::ReportsOne,
        Plural::Few => Msg::ReportsFew,
        Plural::Many => Msg::ReportsMany,
    };
    tn(lang, msg, n)
}

/// A date and time as people write them: "25 ноября 2026, 14:05" / "25 November 2026, 14:05".
/// All times are UTC, and say so, so that they are unambiguous.
pub fn date_time(lang: Lang, unix: i64) -> String {
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp(unix) else {
        return String::new();
    };
    format!(
        "{} {} {}, {:02}:{:02} UTC",
        t.day(),
        month(lang, u8::from(t.month())),
        t.year(),
        t.hour(),
        t.minute()
    )
}

/// The month's name as it stands after a day number (Russian puts it in the genitive case).
fn month(lang: Lang, month: u8) -> &'static str {
    const RU: [&str; 12] = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let names = match lang {
        Lang::Ru => &RU,
        Lang::En => &EN,
    };
    names[usize::from(month.clamp(1, 12)) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_cyrillic(s: &str) -> bool {
        s.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
    }

    fn has_latin_word(s: &str) -> bool {
        s.split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| w.len() > 2)
    }

    #[test]
    fn every_message_is_listed_once_in_order() {
        for (i, msg) in Msg::ALL.iter().enumerate() {
            assert_eq!(*msg as usize, i, "Msg::ALL[{i}] is {msg:?}");
        }
        assert_eq!(
            Msg::ALL.last(),
            Some(&Msg::SaveAndNext),
            "a new message goes into Msg::ALL too"
        );
    }

    #[test]
    fn every_message_is_translated_into_both_languages() {
        for &msg in Msg::ALL {
            let (ru, en) = (t(Lang::Ru, msg), t(Lang::En, msg));
            assert!(
                !ru.trim().is_empty() && !en.trim().is_empty(),
                "{msg:?} is empty"
            );
            assert!(
                !has_cyrillic(en),
                "{msg:?}: the English text is not English: {en}"
            );
            if Msg::NOT_WORDS.contains(&msg) {
                assert_eq!(ru, en, "{msg:?} is a name, the same in both");
                continue;
            }
            if msg != Msg::NumberSign {
                assert!(has_cyrillic(ru), "{msg:?}: no Russian text: {ru}");
                assert!(has_latin_word(en), "{msg:?}: no English words: {en}");
            }
            assert!(
                !has_latin_word(ru) || ru.contains("ФЗ"),
                "{msg:?}: English words left in the Russian text: {ru}"
            );
            assert_eq!(
                ru.contains("{n}"),
                en.contains("{n}"),
                "{msg:?}: placeholders differ"
            );
        }
    }

    #[test]
    fn russian_counts_take_three_forms() {
        for (n, words) in [
            (0, "0 обращений"),
            (1, "1 обращение"),
            (2, "2 обращения"),
            (4, "4 обращения"),
            (5, "5 обращений"),
            (11, "11 обращений"),
            (12, "12 обращений"),
            (14, "14 обращений"),
            (21, "21 обращение"),
            (22, "22 обращения"),
            (25, "25 обращений"),
            (101, "101 обращение"),
            (111, "111 обращений"),
            (1004, "1004 обращения"),
        ] {
            assert_eq!(reports_count(Lang::Ru, n), words);
        }
        assert_eq!(reports_count(Lang::En, 0), "0 reports");
        assert_eq!(reports_count(Lang::En, 1), "1 report");
        assert_eq!(reports_count(Lang::En, 21), "21 reports");
    }

    #[test]
    fn dates_read_as_each_language_writes_them() {
        // 2026-11-25 14:05:00 UTC
        let at = 1_795_615_500;
        assert_eq!(date_time(Lang::Ru, at), "25 ноября 2026, 14:05 UTC");
        assert_eq!(date_time(Lang::En, at), "25 November 2026, 14:05 UTC");
        assert_eq!(date_time(Lang::Ru, 0), "1 января 1970, 00:00 UTC");
        assert_eq!(date_time(Lang::En, 0), "1 January 1970, 00:00 UTC");
    }
}
