//! The map's words, Russian and English: one exhaustive `match`, as in [`crate::i18n`]. Kept
//! apart so the basic bundle does not carry them.

use civic_wire::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapMsg {
    MapLabel,
    ZoomIn,
    ZoomOut,
    MapLoading,
    MapFailed,
    Filters,
    FilterCategory,
    AllCategories,
    FilterStatus,
    AllStatuses,
    StatusOpen,
    StatusSolved,
    StatusRejected,
    FilterPeriod,
    AllTime,
    LastWeek,
    LastMonth,
    LastYear,
    /// `{n}` problems in view (Russian plural forms: one / few / many).
    InViewOne,
    InViewFew,
    InViewMany,
    NothingInView,
    /// Zoom in to see them one by one.
    ZoomInToList,
    /// `{n}` problems in a group.
    ClusterOne,
    ClusterFew,
    ClusterMany,
    ListLabel,
    Truncated,
    ReportHere,
    BackToMap,
    CardLoading,
    CardFailed,
    Close,
    Reported,
    Deadline,
    Supporters,
    History,
    Answers,
    NoAnswerYet,
    NumberPrefix,
    SupportButton,
    Supported,
    AlreadySupported,
    SupportSignIn,
    SupportFailed,
    SupportEmailSent,
    SupportBadEmail,
    PinLabel,
    PinHint,
    OutsideArea,
    NearbyTitle,
    NearbyHint,
    MetresAway,
    MyReports,
    MyReportsEmpty,
    Photo,
}

impl MapMsg {
    pub const ALL: &'static [MapMsg] = &[
        MapMsg::MapLabel,
        MapMsg::ZoomIn,
        MapMsg::ZoomOut,
        MapMsg::MapLoading,
        MapMsg::MapFailed,
        MapMsg::Filters,
        MapMsg::FilterCategory,
        MapMsg::AllCategories,
        MapMsg::FilterStatus,
        MapMsg::AllStatuses,
        MapMsg::StatusOpen,
        MapMsg::StatusSolved,
        MapMsg::StatusRejected,
        MapMsg::FilterPeriod,
        MapMsg::AllTime,
        MapMsg::LastWeek,
        MapMsg::LastMonth,
        MapMsg::LastYear,
        MapMsg::InViewOne,
        MapMsg::InViewFew,
        MapMsg::InViewMany,
        MapMsg::NothingInView,
        MapMsg::ZoomInToList,
        MapMsg::ClusterOne,
        MapMsg::ClusterFew,
        MapMsg::ClusterMany,
        MapMsg::ListLabel,
        MapMsg::Truncated,
        MapMsg::ReportHere,
        MapMsg::BackToMap,
        MapMsg::CardLoading,
        MapMsg::CardFailed,
        MapMsg::Close,
        MapMsg::Reported,
        MapMsg::Deadline,
        MapMsg::Supporters,
        MapMsg::History,
        MapMsg::Answers,
        MapMsg::NoAnswerYet,
        MapMsg::NumberPrefix,
        MapMsg::SupportButton,
        MapMsg::Supported,
        MapMsg::AlreadySupported,
        MapMsg::SupportSignIn,
        MapMsg::SupportFailed,
        MapMsg::SupportEmailSent,
        MapMsg::SupportBadEmail,
        MapMsg::PinLabel,
        MapMsg::PinHint,
        MapMsg::OutsideArea,
        MapMsg::NearbyTitle,
        MapMsg::NearbyHint,
        MapMsg::MetresAway,
        MapMsg::MyReports,
        MapMsg::MyReportsEmpty,
        MapMsg::Photo,
    ];
}

pub fn m(lang: Lang, msg: MapMsg) -> &'static str {
    use Lang::{En, Ru};
    let lang = crate::only(lang);
    match (msg, lang) {
        (MapMsg::MapLabel, Ru) => "Карта проблем города",
        (MapMsg::MapLabel, En) => "The city's problem map",
        (MapMsg::ZoomIn, Ru) => "Приблизить",
        (MapMsg::ZoomIn, En) => "Zoom in",
        (MapMsg::ZoomOut, Ru) => "Отдалить",
        (MapMsg::ZoomOut, En) => "Zoom out",
        (MapMsg::MapLoading, Ru) => "Загружаем карту…",
        (MapMsg::MapLoading, En) => "Loading the map…",
        (MapMsg::MapFailed, Ru) => "Не удалось загрузить карту. Проверьте соединение.",
        (MapMsg::MapFailed, En) => "The map could not be loaded. Check your connection.",
        (MapMsg::Filters, Ru) => "Фильтры",
        (MapMsg::Filters, En) => "Filters",
        (MapMsg::FilterCategory, Ru) => "Категория",
        (MapMsg::FilterCategory, En) => "Category",
        (MapMsg::AllCategories, Ru) => "Все категории",
        (MapMsg::AllCategories, En) => "All categories",
        (MapMsg::FilterStatus, Ru) => "Статус",
        (MapMsg::FilterStatus, En) => "Status",
        (MapMsg::AllStatuses, Ru) => "Все статусы",
        (MapMsg::AllStatuses, En) => "All statuses",
        (MapMsg::StatusOpen, Ru) => "Открытые и в работе",
        (MapMsg::StatusOpen, En) => "Open and in progress",
        (MapMsg::StatusSolved, Ru) => "Решённые",
        (MapMsg::StatusSolved, En) => "Resolved",
        (MapMsg::StatusRejected, Ru) => "Отклонённые и дубликаты",
        (MapMsg::StatusRejected, En) => "Refused and duplicates",
        (MapMsg::FilterPeriod, Ru) => "Период",
        (MapMsg::FilterPeriod, En) => "Period",
        (MapMsg::AllTime, Ru) => "За всё время",
        (MapMsg::AllTime, En) => "All time",
        (MapMsg::LastWeek, Ru) => "За неделю",
        (MapMsg::LastWeek, En) => "Last 7 days",
        (MapMsg::LastMonth, Ru) => "За месяц",
        (MapMsg::LastMonth, En) => "Last 30 days",
        (MapMsg::LastYear, Ru) => "За год",
        (MapMsg::LastYear, En) => "Last 12 months",
        (MapMsg::InViewOne, Ru) => "На карте {n} проблема",
        (MapMsg::InViewOne, En) => "{n} problem on the map",
        (MapMsg::InViewFew, Ru) => "На карте {n} проблемы",
        (MapMsg::InViewFew, En) => "{n} problems on the map",
        (MapMsg::InViewMany, Ru) => "На карте {n} проблем",
        (MapMsg::InViewMany, En) => "{n} problems on the map",
        (MapMsg::NothingInView, Ru) => "Здесь нет опубликованных проблем.",
        (MapMsg::NothingInView, En) => "No published problems here.",
        (MapMsg::ZoomInToList, Ru) => "Выберите группу, чтобы увидеть её проблемы:",
        (MapMsg::ZoomInToList, En) => "Choose a group to see its problems:",
        (MapMsg::ClusterOne, Ru) => "Группа: {n} проблема, приблизить",
        (MapMsg::ClusterOne, En) => "Group of {n} problem, zoom in",
        (MapMsg::ClusterFew, Ru) => "Группа: {n} проблемы, приблизить",
        (MapMsg::ClusterFew, En) => "Group of {n} problems, zoom in",
        (MapMsg::ClusterMany, Ru) => "Группа: {n} проблем, приблизить",
        (MapMsg::ClusterMany, En) => "Group of {n} problems, zoom in",
        (MapMsg::ListLabel, Ru) => "Проблемы на карте списком",
        (MapMsg::ListLabel, En) => "The problems on the map as a list",
        (MapMsg::Truncated, Ru) => "Показаны не все: приблизьте карту.",
        (MapMsg::Truncated, En) => "Not all are shown: zoom in.",
        (MapMsg::ReportHere, Ru) => "Сообщить о проблеме здесь",
        (MapMsg::ReportHere, En) => "Report a problem here",
        (MapMsg::BackToMap, Ru) => "← К карте",
        (MapMsg::BackToMap, En) => "← Back to the map",
        (MapMsg::CardLoading, Ru) => "Загружаем карточку…",
        (MapMsg::CardLoading, En) => "Loading the card…",
        (MapMsg::CardFailed, Ru) => "Не удалось загрузить. Попробуйте ещё раз.",
        (MapMsg::CardFailed, En) => "Could not be loaded. Please try again.",
        (MapMsg::Close, Ru) => "Закрыть",
        (MapMsg::Close, En) => "Close",
        (MapMsg::Reported, Ru) => "Сообщено",
        (MapMsg::Reported, En) => "Reported",
        (MapMsg::Deadline, Ru) => "Срок решения",
        (MapMsg::Deadline, En) => "Due by",
        (MapMsg::Supporters, Ru) => "Поддержали",
        (MapMsg::Supporters, En) => "Supporters",
        (MapMsg::History, Ru) => "История",
        (MapMsg::History, En) => "History",
        (MapMsg::Answers, Ru) => "Официальный ответ",
        (MapMsg::Answers, En) => "Official answer",
        (MapMsg::NoAnswerYet, Ru) => "Ответа пока нет.",
        (MapMsg::NoAnswerYet, En) => "No answer yet.",
        (MapMsg::MyReports, Ru) => "Мои обращения",
        (MapMsg::MyReports, En) => "My reports",
        (MapMsg::MyReportsEmpty, Ru) => "Обращений пока нет.",
        (MapMsg::MyReportsEmpty, En) => "No reports yet.",
        (MapMsg::Photo, Ru) => "Фото",
        (MapMsg::Photo, En) => "Photo",
        (MapMsg::NumberPrefix, Ru) => "№",
        (MapMsg::NumberPrefix, En) => "No.",
        (MapMsg::SupportButton, Ru) => "Это касается и меня",
        (MapMsg::SupportButton, En) => "This affects me too",
        (MapMsg::Supported, Ru) => "Спасибо! Ваш голос учтён.",
        (MapMsg::Supported, En) => "Thank you! Your support is counted.",
        (MapMsg::AlreadySupported, Ru) => "Вы уже поддержали эту проблему.",
        (MapMsg::AlreadySupported, En) => "You have already supported this problem.",
        (MapMsg::SupportSignIn, Ru) => {
            "Ваша почта: голос учтём, когда вы подтвердите его по ссылке из письма"
        }
        (MapMsg::SupportSignIn, En) => {
            "Your e-mail: the vote counts once you confirm it by the link we send"
        }
        (MapMsg::SupportEmailSent, Ru) => {
            "Мы отправили письмо. Откройте ссылку из него, чтобы голос учли."
        }
        (MapMsg::SupportEmailSent, En) => {
            "We have sent you an e-mail. Open its link to have your vote counted."
        }
        (MapMsg::SupportBadEmail, Ru) => "Это не похоже на адрес электронной почты.",
        (MapMsg::SupportBadEmail, En) => "This does not look like an e-mail address.",
        (MapMsg::SupportFailed, Ru) => "Не удалось учесть голос. Попробуйте ещё раз.",
        (MapMsg::SupportFailed, En) => "Your support could not be counted. Please try again.",
        (MapMsg::PinLabel, Ru) => "Место на карте",
        (MapMsg::PinLabel, En) => "Place on the map",
        (MapMsg::PinHint, Ru) => {
            "Двигайте карту (пальцем, мышью, стрелками), пока метка в центре не встанет на место, или нажмите на точку."
        }
        (MapMsg::PinHint, En) => {
            "Move the map (finger, mouse, arrow keys) until the centre pin is on the spot, or tap the spot."
        }
        (MapMsg::OutsideArea, Ru) => {
            "Метка вне территории, которую обслуживает сайт. Передвиньте карту."
        }
        (MapMsg::OutsideArea, En) => "The pin is outside the area this site serves. Move the map.",
        (MapMsg::NearbyTitle, Ru) => "Рядом уже сообщали о похожем",
        (MapMsg::NearbyTitle, En) => "Similar problems were reported nearby",
        (MapMsg::NearbyHint, Ru) => {
            "Если ваша проблема здесь, поддержите её вместо нового обращения."
        }
        (MapMsg::NearbyHint, En) => "If yours is here, support it instead of filing a new one.",
        (MapMsg::MetresAway, Ru) => "{n} м от метки",
        (MapMsg::MetresAway, En) => "{n} m from the pin",
    }
}

/// [`m`] with `{n}` replaced.
pub fn mn(lang: Lang, msg: MapMsg, n: u64) -> String {
    crate::i18n::fill(m(lang, msg), "{n}", &n.to_string())
}

/// The Russian plural form of `n`: 0 one (1, 21…), 1 few (2–4, 22–24…), 2 many.
pub fn plural_form(n: u64) -> usize {
    match (n % 10, n % 100) {
        (1, r) if r != 11 => 0,
        (2..=4, r) if !(12..=14).contains(&r) => 1,
        _ => 2,
    }
}

/// `n` with the message of its plural form, e.g. «На карте 22 проблемы».
pub fn counted(lang: Lang, forms: [MapMsg; 3], n: u64) -> String {
    let form = match lang {
        Lang::Ru => plural_form(n),
        Lang::En => usize::from(n != 1) * 2,
    };
    mn(lang, forms[form], n)
}

/// A day (`YYYY-MM-DD…`) as people write it: «05.11.2026» in Russian, «5 Nov 2026» in English.
pub fn day(lang: Lang, iso: &str) -> String {
    let (Some(y), Some(mo), Some(d)) = (iso.get(0..4), iso.get(5..7), iso.get(8..10)) else {
        return iso.to_owned();
    };
    match lang {
        Lang::Ru => [d, ".", mo, ".", y].concat(),
        Lang::En => {
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            let month = mo
                .parse::<usize>()
                .ok()
                .and_then(|m| MONTHS.get(m.wrapping_sub(1)));
            match month {
                Some(month) => [d.trim_start_matches('0'), " ", month, " ", y].concat(),
                None => iso.to_owned(),
            }
        }
    }
}
