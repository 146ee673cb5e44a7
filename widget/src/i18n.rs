//! Every word the widget shows, in Russian and English.
//!
//! [`t`] is one exhaustive `match` over (message, language), so a message added without its
//! translation fails to compile. Texts with numbers carry `{n}` placeholders filled by [`tn`].
//! Status names are not here: they come from [`civic_wire::Status::label`], shared with the host.

use civic_wire::{FieldError, FieldErrorCode, Lang, limits};

/// One user-visible text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    Title,
    Loading,
    LoadFailed,
    SiteNotFound,
    Retry,
    RequiredMark,
    Category,
    CategoryPlaceholder,
    Description,
    DescriptionHint,
    /// `{n}` of `{max}` characters typed.
    CharCount,
    Location,
    LocationHint,
    LocateMe,
    PinOnMap,
    Locating,
    /// Followed by the coordinates.
    LocationFound,
    LocationDenied,
    LocationUnavailable,
    ClearLocation,
    Address,
    AddressHint,
    Contacts,
    ContactsPrivate,
    ShareWithAgency,
    Name,
    Email,
    Phone,
    ConsentText,
    ConsentLink,
    OpensInNewTab,
    Submit,
    Submitting,
    ErrNetwork,
    ErrServer,
    ErrTooLarge,
    ErrForbidden,
    ErrRateLimited,
    ErrUnexpected,
    ErrSignIn,
    ErrCheckFields,
    /// `{n}` is the public number of the report.
    SuccessTitle,
    SuccessText,
    ConfirmSent,
    Status,
    TrackingLink,
    ReportAnother,
    // Field errors.
    ErrRequired,
    ErrCategoryRequired,
    ErrUnknownCategory,
    ErrDescriptionRequired,
    /// `{n}` is the minimum length.
    ErrTooShort,
    /// `{n}` is the maximum length.
    ErrTooLong,
    ErrInvalid,
    ErrEmailInvalid,
    ErrEmailRequired,
    ErrPhoneInvalid,
    ErrLocationRequired,
    ErrLocationInvalid,
    ErrOutsideBounds,
    ErrConsentRequired,
    // Single sign-on.
    /// `{n}` is the resident's name.
    SignedInAs,
    MyReports,
    // Photos.
    Photos,
    PhotosHint,
    /// The button that opens the file (or camera) picker.
    ChoosePhotos,
    /// Followed by the file's name (for screen readers).
    RemovePhoto,
    /// `{n}` is the file's name.
    ErrPhotoType,
    /// `{n}` is the file's name.
    ErrPhotoSize,
    /// `{n}` is the file's name.
    ErrPhotoCount,
    PhotosUploading,
    /// `{n}` photos attached.
    PhotosAttached,
    /// Followed by a list: a file's name and why.
    PhotosNotAttached,
    /// Why a photo was not attached: 409.
    PhotoPublished,
    /// 422.
    PhotoUnreadable,
    /// 413.
    PhotoTooLarge,
    PhotoNetwork,
    PhotoFailed,
}

impl Msg {
    /// Every message, for the test that no translation is empty.
    pub const ALL: &'static [Msg] = &[
        Msg::Title,
        Msg::Loading,
        Msg::LoadFailed,
        Msg::SiteNotFound,
        Msg::Retry,
        Msg::RequiredMark,
        Msg::Category,
        Msg::CategoryPlaceholder,
        Msg::Description,
        Msg::DescriptionHint,
        Msg::CharCount,
        Msg::Location,
        Msg::LocationHint,
        Msg::LocateMe,
        Msg::PinOnMap,
        Msg::Locating,
        Msg::LocationFound,
        Msg::LocationDenied,
        Msg::LocationUnavailable,
        Msg::ClearLocation,
        Msg::Address,
        Msg::AddressHint,
        Msg::Contacts,
        Msg::ContactsPrivate,
        Msg::ShareWithAgency,
        Msg::Name,
        Msg::Email,
        Msg::Phone,
        Msg::ConsentText,
        Msg::ConsentLink,
        Msg::OpensInNewTab,
        Msg::Submit,
        Msg::Submitting,
        Msg::ErrNetwork,
        Msg::ErrServer,
        Msg::ErrTooLarge,
        Msg::ErrForbidden,
        Msg::ErrRateLimited,
        Msg::ErrUnexpected,
        Msg::ErrSignIn,
        Msg::ErrCheckFields,
        Msg::SuccessTitle,
        Msg::SuccessText,
        Msg::ConfirmSent,
        Msg::Status,
        Msg::TrackingLink,
        Msg::ReportAnother,
        Msg::ErrRequired,
        Msg::ErrCategoryRequired,
        Msg::ErrUnknownCategory,
        Msg::ErrDescriptionRequired,
        Msg::ErrTooShort,
        Msg::ErrTooLong,
        Msg::ErrInvalid,
        Msg::ErrEmailInvalid,
        Msg::ErrEmailRequired,
        Msg::ErrPhoneInvalid,
        Msg::ErrLocationRequired,
        Msg::ErrLocationInvalid,
        Msg::ErrOutsideBounds,
        Msg::ErrConsentRequired,
        Msg::SignedInAs,
        Msg::MyReports,
        Msg::Photos,
        Msg::PhotosHint,
        Msg::ChoosePhotos,
        Msg::RemovePhoto,
        Msg::ErrPhotoType,
        Msg::ErrPhotoSize,
        Msg::ErrPhotoCount,
        Msg::PhotosUploading,
        Msg::PhotosAttached,
        Msg::PhotosNotAttached,
        Msg::PhotoPublished,
        Msg::PhotoUnreadable,
        Msg::PhotoTooLarge,
        Msg::PhotoNetwork,
        Msg::PhotoFailed,
    ];
}

/// The text of `msg` in `lang`.
pub fn t(lang: Lang, msg: Msg) -> &'static str {
    use Lang::{En, Ru};
    let lang = crate::only(lang);
    match (msg, lang) {
        (Msg::Title, Ru) => "Сообщить о проблеме",
        (Msg::Title, En) => "Report a problem",
        (Msg::Loading, Ru) => "Загружаем форму…",
        (Msg::Loading, En) => "Loading the form…",
        (Msg::LoadFailed, Ru) => {
            "Не удалось загрузить форму. Проверьте интернет и попробуйте ещё раз."
        }
        (Msg::LoadFailed, En) => {
            "The form could not be loaded. Check your connection and try again."
        }
        (Msg::SiteNotFound, Ru) => {
            "Форма не настроена для этого сайта. Сообщите, пожалуйста, администратору сайта."
        }
        (Msg::SiteNotFound, En) => {
            "The form is not set up for this site. Please tell the site's administrator."
        }
        (Msg::Retry, Ru) => "Повторить",
        (Msg::Retry, En) => "Try again",
        (Msg::RequiredMark, Ru) => "обязательно",
        (Msg::RequiredMark, En) => "required",
        (Msg::Category, Ru) => "Категория",
        (Msg::Category, En) => "Category",
        (Msg::CategoryPlaceholder, Ru) => "Выберите категорию",
        (Msg::CategoryPlaceholder, En) => "Choose a category",
        (Msg::Description, Ru) => "Что случилось",
        (Msg::Description, En) => "What is the problem",
        (Msg::DescriptionHint, Ru) => "Например: «Глубокая яма на дороге напротив дома 12».",
        (Msg::DescriptionHint, En) => "For example: “A deep pothole in the road opposite No. 12”.",
        (Msg::CharCount, Ru) => "Символов: {n} из {max}",
        (Msg::CharCount, En) => "Characters: {n} of {max}",
        (Msg::Location, Ru) => "Где это",
        (Msg::Location, En) => "Where is it",
        (Msg::LocationHint, Ru) => "Ваше местоположение, точка на карте или адрес: хватит одного.",
        (Msg::LocationHint, En) => {
            "Your location, a point on the map or an address: one is enough."
        }
        (Msg::LocateMe, Ru) => "Моё местоположение",
        (Msg::LocateMe, En) => "My location",
        (Msg::PinOnMap, Ru) => "Указать на карте",
        (Msg::PinOnMap, En) => "Choose on the map",
        (Msg::Locating, Ru) => "Определяем местоположение…",
        (Msg::Locating, En) => "Finding your location…",
        (Msg::LocationFound, Ru) => "Местоположение определено:",
        (Msg::LocationFound, En) => "Location found:",
        (Msg::LocationDenied, Ru) => {
            "Браузер не дал доступ к местоположению. Напишите адрес или разрешите доступ в настройках."
        }
        (Msg::LocationDenied, En) => {
            "The browser did not allow access to your location. Type an address or allow it in the settings."
        }
        (Msg::LocationUnavailable, Ru) => {
            "Не удалось определить местоположение. Напишите адрес или ориентир."
        }
        (Msg::LocationUnavailable, En) => {
            "Your location could not be found. Please type an address or a landmark."
        }
        (Msg::ClearLocation, Ru) => "Убрать координаты",
        (Msg::ClearLocation, En) => "Remove the coordinates",
        (Msg::Address, Ru) => "Адрес или ориентир",
        (Msg::Address, En) => "Address or landmark",
        (Msg::AddressHint, Ru) => "Например: ул. Ленина, 5, у остановки",
        (Msg::AddressHint, En) => "For example: 5 Lenin St, by the bus stop",
        (Msg::Contacts, Ru) => "Ваши контакты (необязательно)",
        (Msg::Contacts, En) => "Your contacts (optional)",
        (Msg::ContactsPrivate, Ru) => {
            "Контакты видят только сотрудники администрации. Они никогда не публикуются."
        }
        (Msg::ContactsPrivate, En) => {
            "Only the city's staff see your contacts. They are never published."
        }
        (Msg::ShareWithAgency, Ru) => {
            "Передать мои контакты службе, которая будет решать проблему, чтобы она могла уточнить детали"
        }
        (Msg::ShareWithAgency, En) => {
            "Share my contacts with the agency that solves the problem, so it can ask for details"
        }
        (Msg::Name, Ru) => "Имя",
        (Msg::Name, En) => "Name",
        (Msg::Email, Ru) => "Электронная почта",
        (Msg::Email, En) => "E-mail",
        (Msg::Phone, Ru) => "Телефон",
        (Msg::Phone, En) => "Phone",
        (Msg::ConsentText, Ru) => "Я согласен(на) на обработку моих персональных данных согласно",
        (Msg::ConsentText, En) => "I agree to the processing of my personal data under the",
        (Msg::ConsentLink, Ru) => "политике обработки персональных данных",
        (Msg::ConsentLink, En) => "personal data policy",
        (Msg::OpensInNewTab, Ru) => "(откроется в новой вкладке)",
        (Msg::OpensInNewTab, En) => "(opens in a new tab)",
        (Msg::Submit, Ru) => "Отправить",
        (Msg::Submit, En) => "Send",
        (Msg::Submitting, Ru) => "Отправляем…",
        (Msg::Submitting, En) => "Sending…",
        (Msg::ErrNetwork, Ru) => {
            "Нет связи с сервером. Текст сохранён: обращение уйдёт, когда появится интернет, или нажмите «Повторить»."
        }
        (Msg::ErrNetwork, En) => {
            "No connection to the server. Your text is kept: the report goes out when you are back online, or press “Try again”."
        }
        (Msg::ErrServer, Ru) => "Сервер временно не отвечает. Попробуйте ещё раз через минуту.",
        (Msg::ErrServer, En) => "The server is not answering right now. Try again in a minute.",
        (Msg::ErrTooLarge, Ru) => {
            "Обращение слишком большое. Сократите описание и попробуйте ещё раз."
        }
        (Msg::ErrTooLarge, En) => "The report is too large. Shorten the description and try again.",
        (Msg::ErrForbidden, Ru) => {
            "Этот сайт пока не может отправлять обращения. Сообщите, пожалуйста, администратору сайта."
        }
        (Msg::ErrForbidden, En) => {
            "This site cannot send reports yet. Please tell the site's administrator."
        }
        (Msg::ErrRateLimited, Ru) => {
            "Слишком много обращений подряд. Подождите немного и попробуйте снова."
        }
        (Msg::ErrRateLimited, En) => "Too many reports in a row. Wait a little and try again.",
        (Msg::ErrUnexpected, Ru) => "Что-то пошло не так. Попробуйте ещё раз.",
        (Msg::ErrUnexpected, En) => "Something went wrong. Please try again.",
        (Msg::ErrSignIn, Ru) => {
            "Сообщить о проблеме может только вошедший пользователь. Войдите на сайте."
        }
        (Msg::ErrSignIn, En) => "Only signed-in users can report here. Please sign in on the site.",
        (Msg::ErrCheckFields, Ru) => "Проверьте поля, отмеченные ниже.",
        (Msg::ErrCheckFields, En) => "Please check the fields marked below.",
        (Msg::SuccessTitle, Ru) => "Ваше обращение № {n} принято",
        (Msg::SuccessTitle, En) => "Your report No. {n} has been received",
        (Msg::SuccessText, Ru) => "По ссылке видны статус обращения и ответ администрации.",
        (Msg::SuccessText, En) => "The link shows the status of your report and the city's answer.",
        (Msg::ConfirmSent, Ru) => {
            "Мы отправили вам письмо. Откройте ссылку из него, чтобы подтвердить обращение: без этого его не рассмотрят."
        }
        (Msg::ConfirmSent, En) => {
            "We have sent you an e-mail. Open its link to confirm the report: it is not considered until then."
        }
        (Msg::Status, Ru) => "Статус:",
        (Msg::Status, En) => "Status:",
        (Msg::TrackingLink, Ru) => "Следить за обращением",
        (Msg::TrackingLink, En) => "Follow your report",
        (Msg::ReportAnother, Ru) => "Сообщить о другой проблеме",
        (Msg::ReportAnother, En) => "Report another problem",
        (Msg::ErrRequired, Ru) => "Заполните это поле.",
        (Msg::ErrRequired, En) => "Please fill in this field.",
        (Msg::ErrCategoryRequired, Ru) => "Выберите категорию.",
        (Msg::ErrCategoryRequired, En) => "Please choose a category.",
        (Msg::ErrUnknownCategory, Ru) => {
            "Такой категории больше нет. Выберите категорию из списка."
        }
        (Msg::ErrUnknownCategory, En) => {
            "This category no longer exists. Choose one from the list."
        }
        (Msg::ErrDescriptionRequired, Ru) => "Опишите проблему.",
        (Msg::ErrDescriptionRequired, En) => "Please describe the problem.",
        (Msg::ErrTooShort, Ru) => "Слишком коротко: нужно хотя бы {n} символов.",
        (Msg::ErrTooShort, En) => "Too short: at least {n} characters, please.",
        (Msg::ErrTooLong, Ru) => "Слишком длинно: не больше {n} символов.",
        (Msg::ErrTooLong, En) => "Too long: at most {n} characters.",
        (Msg::ErrInvalid, Ru) => "Проверьте это поле.",
        (Msg::ErrInvalid, En) => "Please check this field.",
        (Msg::ErrEmailRequired, Ru) => "Укажите почту: на неё придёт ссылка для подтверждения.",
        (Msg::ErrEmailRequired, En) => "Give your e-mail: the confirmation link is sent there.",
        (Msg::ErrEmailInvalid, Ru) => "Это не похоже на адрес почты. Пример: ivan@example.ru",
        (Msg::ErrEmailInvalid, En) => {
            "This does not look like an e-mail address, e.g. ann@example.com"
        }
        (Msg::ErrPhoneInvalid, Ru) => "Это не похоже на номер телефона. Пример: +7 900 123-45-67",
        (Msg::ErrPhoneInvalid, En) => {
            "This does not look like a phone number, e.g. +7 900 123-45-67"
        }
        (Msg::ErrLocationRequired, Ru) => "Укажите место: своё, на карте или адресом.",
        (Msg::ErrLocationRequired, En) => "Say where: your location, on the map or an address.",
        (Msg::ErrLocationInvalid, Ru) => "Координаты неверные. Определите место ещё раз.",
        (Msg::ErrLocationInvalid, En) => "The coordinates are wrong. Please find the place again.",
        (Msg::ErrOutsideBounds, Ru) => {
            "Это место вне территории, которую обслуживает сайт. Проверьте адрес."
        }
        (Msg::ErrOutsideBounds, En) => {
            "This place is outside the area this site serves. Check the address."
        }
        (Msg::ErrConsentRequired, Ru) => "Нужно согласие на обработку персональных данных.",
        (Msg::ErrConsentRequired, En) => "Consent to the processing of personal data is required.",
        (Msg::SignedInAs, Ru) => "Вы вошли как {n}",
        (Msg::SignedInAs, En) => "Signed in as {n}",
        (Msg::MyReports, Ru) => "Мои обращения",
        (Msg::MyReports, En) => "My reports",
        (Msg::Photos, Ru) => "Фотографии (до 3)",
        (Msg::Photos, En) => "Photos (up to 3)",
        (Msg::PhotosHint, Ru) => "JPEG, PNG или WebP, до 10 МБ каждая.",
        (Msg::PhotosHint, En) => "JPEG, PNG or WebP, up to 10 MB each.",
        (Msg::ChoosePhotos, Ru) => "Добавить фото",
        (Msg::ChoosePhotos, En) => "Add photos",
        (Msg::RemovePhoto, Ru) => "Убрать",
        (Msg::RemovePhoto, En) => "Remove",
        (Msg::ErrPhotoType, Ru) => "«{n}» — не фото JPEG, PNG или WebP.",
        (Msg::ErrPhotoType, En) => "“{n}” is not a JPEG, PNG or WebP photo.",
        (Msg::ErrPhotoSize, Ru) => "«{n}» больше 10 МБ.",
        (Msg::ErrPhotoSize, En) => "“{n}” is over 10 MB.",
        (Msg::ErrPhotoCount, Ru) => "«{n}» не добавлена: не больше 3 фото.",
        (Msg::ErrPhotoCount, En) => "“{n}” was not added: 3 photos at most.",
        (Msg::PhotosUploading, Ru) => "Прикрепляем фото…",
        (Msg::PhotosUploading, En) => "Attaching the photos…",
        (Msg::PhotosAttached, Ru) => "Прикреплено фото: {n}.",
        (Msg::PhotosAttached, En) => "Photos attached: {n}.",
        (Msg::PhotosNotAttached, Ru) => "Не прикреплены:",
        (Msg::PhotosNotAttached, En) => "Not attached:",
        (Msg::PhotoPublished, Ru) => "к уже опубликованному обращению фото не прикрепить",
        (Msg::PhotoPublished, En) => "photos cannot be attached to an already published report",
        (Msg::PhotoUnreadable, Ru) => "не удалось прочитать изображение",
        (Msg::PhotoUnreadable, En) => "the image could not be read",
        (Msg::PhotoTooLarge, Ru) => "файл слишком большой",
        (Msg::PhotoTooLarge, En) => "the file is too large",
        (Msg::PhotoNetwork, Ru) => "нет связи с сервером",
        (Msg::PhotoNetwork, En) => "no connection to the server",
        (Msg::PhotoFailed, Ru) => "сервер не принял фото",
        (Msg::PhotoFailed, En) => "the server did not take it",
    }
}

/// [`t`] with `{n}` replaced by `n`.
pub fn tn(lang: Lang, msg: Msg, n: impl std::fmt::Display) -> String {
    fill(t(lang, msg), "{n}", &n.to_string())
}

/// `text` with the first `key` replaced by `value`. A byte search and `get` rather than
/// `split_once`: no substring searcher and no slicing panic in the bundle (1 KiB gzip less).
pub fn fill(text: &str, key: &str, value: &str) -> String {
    let at = text
        .as_bytes()
        .windows(key.len().max(1))
        .position(|w| w == key.as_bytes());
    match at.and_then(|i| Some((text.get(..i)?, text.get(i + key.len()..)?))) {
        Some((before, after)) => String::from(before) + value + after,
        None => text.to_owned(),
    }
}

/// The character counter under the description.
pub fn char_count(lang: Lang, n: usize, max: usize) -> String {
    fill(&tn(lang, Msg::CharCount, n), "{max}", &max.to_string())
}

/// The words for one field error, whether found in the widget or sent back by the host.
///
/// The host's English `message` is for developers and is never shown.
pub fn field_error(lang: Lang, e: &FieldError) -> String {
    use FieldErrorCode::*;
    let field = e.field.as_str();
    match e.code {
        Required => match field {
            "category_id" | "category" => t(lang, Msg::ErrCategoryRequired).into(),
            "description" => t(lang, Msg::ErrDescriptionRequired).into(),
            "location" | "address" => t(lang, Msg::ErrLocationRequired).into(),
            "consent" => t(lang, Msg::ErrConsentRequired).into(),
            "reporter.email" => t(lang, Msg::ErrEmailRequired).into(),
            _ => t(lang, Msg::ErrRequired).into(),
        },
        TooShort => tn(lang, Msg::ErrTooShort, limits::DESCRIPTION_MIN_CHARS),
        TooLong => tn(lang, Msg::ErrTooLong, max_chars(field)),
        Invalid => match field {
            "reporter.email" => t(lang, Msg::ErrEmailInvalid).into(),
            "reporter.phone" => t(lang, Msg::ErrPhoneInvalid).into(),
            "location" => t(lang, Msg::ErrLocationInvalid).into(),
            _ => t(lang, Msg::ErrInvalid).into(),
        },
        UnknownCategory => t(lang, Msg::ErrUnknownCategory).into(),
        OutsideBounds => t(lang, Msg::ErrOutsideBounds).into(),
        ConsentRequired => t(lang, Msg::ErrConsentRequired).into(),
    }
}

/// The length limit of a wire field, for "too long" messages.
fn max_chars(field: &str) -> usize {
    match field {
        "address" => limits::ADDRESS_MAX_CHARS,
        "reporter.name" => limits::NAME_MAX_CHARS,
        "reporter.email" => limits::EMAIL_MAX_CHARS,
        "reporter.phone" => limits::PHONE_MAX_CHARS,
        _ => limits::DESCRIPTION_MAX_CHARS,
    }
}
