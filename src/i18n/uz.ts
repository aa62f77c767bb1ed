import type { MessageKey } from "./en";

/**
 * Uzbek (Latin script) messages. Written as Uzbek, not translated word for
 * word. Typography: ʻ (U+02BB) in oʻ/gʻ, ʼ (U+02BC) for the tutuq belgisi.
 * Keep the `{param}` placeholders of the English text exactly.
 */
export const uz: Record<MessageKey, string> = {
  // Page chrome
  "chrome.skip_to_content": "Asosiy qismga oʻtish",
  "chrome.language": "Til",
  "chrome.site_name": "Presale",
  "chrome.page_title": "{title} · Presale",

  // Problem pages
  "problem.page.status": "HTTP holati: {status}",
  "problem.page.code": "Xato kodi",
  "problem.page.meaning": "Bu nimani anglatadi",
  "problem.page.action": "Nima qilish kerak",
  "problem.page.about":
    "Presale xatolarni muammo tafsilotlari (RFC 9457, application/problem+json) koʻrinishida qaytaradi. code maydoni oʻzgarmaydi: sarlavhaga emas, shu maydonga tayaning. instance maydoni — soʻrov identifikatori, yordam soʻraganingizda uni koʻrsating.",
  "problem.page.all_codes": "Barcha xato kodlari",
  "problem.index.title": "Xato kodlari",
  "problem.index.intro":
    "Presale API qaytaradigan har bir xatoda shu kodlardan biri boʻladi. Kod nimani anglatishi va nima qilish kerakligini bilish uchun uni oching.",

  "problem.malformed_body.title": "Soʻrov tanasi buzilgan",
  "problem.malformed_body.meaning":
    "Soʻrov tanasini oʻqib boʻlmadi: u yaroqli JSON yoki forma maʼlumoti emas yoxud tana kerak boʻlgan joyda boʻsh.",
  "problem.malformed_body.action":
    "Content-Type sarlavhasiga mos, toʻgʻri tuzilgan tana yuboring va qaytadan urinib koʻring.",

  "problem.bad_request.title": "Notoʻgʻri soʻrov",
  "problem.bad_request.meaning":
    "Soʻrovda server uchun zarur narsa yetishmaydi yoki bir-biriga toʻgʻri kelmaydigan parametrlar birga berilgan.",
  "problem.bad_request.action":
    "Javobdagi detail va errors maydonlarini oʻqing, soʻrovni tuzatib, qayta yuboring.",

  "problem.idempotency_key_required.title": "Idempotency-Key sarlavhasi talab qilinadi",
  "problem.idempotency_key_required.meaning":
    "Oldindan buyurtma berishda Idempotency-Key sarlavhasi shart: shunda qayta yuborilgan soʻrov hech qachon ikkinchi buyurtma ochmaydi.",
  "problem.idempotency_key_required.action":
    "Har bir buyurtma urinishi uchun bir marta tasodifiy kalit (masalan, UUID) yarating, uni Idempotency-Key sarlavhasida yuboring, qayta urinayotganda esa aynan shu kalitni yuboring.",

  "problem.unauthorized.title": "Avval tizimga kirish kerak",
  "problem.unauthorized.meaning":
    "Soʻrovda kirish maʼlumotlari yoʻq yoki undagi token, kalit yoxud havola yaroqsiz (yoki endi yaroqsiz).",
  "problem.unauthorized.action":
    "Authorization: Bearer sarlavhasida yaroqli admin tokeni, API kaliti yoki mijoz havolasi tokenini yuboring. Agar xatdagi havola orqali kelgan boʻlsangiz, yangisini soʻrang.",

  "problem.forbidden.title": "Bu rolga ruxsat berilmagan",
  "problem.forbidden.meaning":
    "Siz tizimga kirgansiz, biroq rolingiz bu amalni bajarishga ruxsat bermaydi.",
  "problem.forbidden.action":
    "Egasidan bunga ruxsat beruvchi rol soʻrang yoki shunday rolga ega API kalitidan foydalaning.",

  "problem.origin_not_allowed.title": "Bu manbaga ruxsat berilmagan",
  "problem.origin_not_allowed.meaning":
    "Soʻrov kampaniyaning ruxsat etilgan manbalari roʻyxatida boʻlmagan saytdan (Origin sarlavhasi) keldi.",
  "problem.origin_not_allowed.action":
    "Sayt manbasini (sxema, xost va port, masalan https://shop.example.com) boshqaruv panelida kampaniyaning ruxsat etilgan manbalariga qoʻshing yoki formani ruxsat berilgan saytdan yuboring.",

  "problem.invite_required.title": "Taklif kerak",
  "problem.invite_required.meaning":
    "Bu oldindan sotuv faqat taklif bilan ishlaydi, soʻrovda esa shu elektron pochta uchun yaroqli taklif yoʻq.",
  "problem.invite_required.action":
    "Taklifnoma xatidagi koddan foydalaning. Hali kodingiz boʻlmasa, kutish roʻyxatiga yoziling: takliflar navbat bilan, toʻlqin-toʻlqin yuboriladi.",

  "problem.csrf_failed.title": "CSRF tekshiruvidan oʻtmadi",
  "problem.csrf_failed.meaning":
    "Boshqaruv paneli formasi yaroqli CSRF tokenisiz yoki boshqa saytdan yuborilgan.",
  "problem.csrf_failed.action":
    "Boshqaruv paneli sahifasini yangilab, formani qayta yuboring. Bu takrorlanaversa, tizimga qaytadan kiring.",

  "problem.turnstile_failed.title": "Inson ekanligini tekshirish oʻtmadi",
  "problem.turnstile_failed.meaning":
    "Kampaniya Cloudflare Turnstile tekshiruvini talab qiladi, bu soʻrov bilan yuborilgan token esa yoʻq, notoʻgʻri, allaqachon ishlatilgan yoki uni tekshirib boʻlmadi.",
  "problem.turnstile_failed.action":
    "Tekshiruvdan qayta oʻting (token bir marta, besh daqiqa davomida ishlaydi) va soʻrovni qayta yuboring. reason maydoni sababini aytadi: missing, invalid, expired_or_used yoki unavailable.",

  "problem.not_found.title": "Topilmadi",
  "problem.not_found.meaning": "Bu manzilda hech narsa yoʻq yoki u siz uchun koʻrinmaydi.",
  "problem.not_found.action":
    "Manzil yoki identifikatorni tekshiring. Xatlardagi havolalar yangilari bilan almashtirilishi mumkin, shuning uchun eng soʻnggi xatdan foydalaning.",

  "problem.method_not_allowed.title": "Bu usulga ruxsat yoʻq",
  "problem.method_not_allowed.meaning": "Bunday manzil bor, lekin bu HTTP usuli bilan emas.",
  "problem.method_not_allowed.action":
    "Bu manzil qaysi usullarni qabul qilishini /docs dagi API maʼlumotnomasidan qarang.",

  "problem.conflict.title": "Joriy holat bilan ziddiyat",
  "problem.conflict.meaning":
    "Soʻrov yozuvning hozirgi holatiga toʻgʻri kelmaydi, masalan, qoralama boʻlmay qolgan kampaniyani oʻchirishga urinish.",
  "problem.conflict.action":
    "Yozuvni qaytadan oling, holatini tekshiring va faqat shu holatga mos oʻzgarish bilan qayta urinib koʻring.",

  "problem.campaign_closed.title": "Kampaniya hozir bunga ruxsat bermaydi",
  "problem.campaign_closed.meaning":
    "Kampaniya hozir buni qabul qilmaydi: u hali ochilmagan, toʻxtatib qoʻyilgan yoki yopilgan boʻlishi mumkin.",
  "problem.campaign_closed.action":
    "Kampaniya holati va sanalarini tekshiring. Ochilganini bilish uchun kutish roʻyxatiga yoziling.",

  "problem.sold_out.title": "Hammasi sotilgan",
  "problem.sold_out.meaning": "Buyurtmadagi variantlardan biridan yetarlicha dona qolmagan.",
  "problem.sold_out.action":
    "Kamroq dona buyurtma qiling yoki boshqa variantni tanlang. Boshqa buyurtmalar bekor qilinsa, mahsulot yana paydo boʻlishi mumkin.",

  "problem.limit_exceeded.title": "Cheklovdan oshib ketdi",
  "problem.limit_exceeded.meaning":
    "Buyurtma cheklovdan oshib ketdi: bitta xaridor bir variantdan olishi mumkin boʻlgan eng koʻp miqdordan yoki taklif kodidan qolgan foydalanishlar sonidan.",
  "problem.limit_exceeded.action":
    "Kamroq dona buyurtma qiling. Qaysi cheklovga yetilgani javobda koʻrsatilgan.",

  "problem.idempotency_in_flight.title": "Shu kalitli soʻrov hali bajarilmoqda",
  "problem.idempotency_in_flight.meaning":
    "Xuddi shu Idempotency-Key bilan yuborilgan soʻrov hali qayta ishlanmoqda.",
  "problem.idempotency_in_flight.action":
    "Biroz kutib, aynan shu kalit bilan qayta urinib koʻring: shunda birinchi soʻrovning saqlangan natijasini olasiz.",

  "problem.payload_too_large.title": "Soʻrov tanasi juda katta",
  "problem.payload_too_large.meaning": "Soʻrov tanasi bu manzil qabul qiladigan hajmdan katta.",
  "problem.payload_too_large.action":
    "Kichikroq tana yuboring. Katta importlarni bir nechta kichik qismlarga boʻling.",

  "problem.unsupported_media_type.title": "Bu kontent turi qoʻllab-quvvatlanmaydi",
  "problem.unsupported_media_type.meaning":
    "Soʻrovning Content-Type turini bu manzil oʻqiy olmaydi.",
  "problem.unsupported_media_type.action":
    "application/json (forma qabul qilinadigan joyda application/x-www-form-urlencoded) maʼlumotini mos Content-Type sarlavhasi bilan yuboring.",

  "problem.validation_failed.title": "Maʼlumotlar tekshiruvdan oʻtmadi",
  "problem.validation_failed.meaning":
    "Tana oʻqildi, lekin ayrim maydonlar toʻldirilmagan yoki notoʻgʻri toʻldirilgan.",
  "problem.validation_failed.action":
    "errors roʻyxatida koʻrsatilgan har bir maydonni (path va message) tuzating va soʻrovni qayta yuboring.",

  "problem.idempotency_key_reused.title": "Idempotency-Key boshqa tana bilan qayta ishlatilgan",
  "problem.idempotency_key_reused.meaning":
    "Bu Idempotency-Key avval boshqa tanali soʻrov uchun ishlatilgan.",
  "problem.idempotency_key_reused.action":
    "Yangi buyurtma uchun yangi kalit oling. Kalitni faqat aynan oʻsha soʻrovni qayta yuborishda takrorlang.",

  "problem.rate_limited.title": "Soʻrovlar juda koʻp",
  "problem.rate_limited.meaning": "Qisqa vaqt ichida sizdan juda koʻp soʻrov keldi.",
  "problem.rate_limited.action":
    "Retry-After sarlavhasida koʻrsatilgan soniya oʻtguncha kuting, keyin qayta urinib koʻring.",

  "problem.internal_error.title": "Ichki xato",
  "problem.internal_error.meaning":
    "Bizning tomonda nimadir notoʻgʻri ketdi. Tafsilotlar javobda emas, jurnallarimizda.",
  "problem.internal_error.action":
    "Birozdan keyin qayta urinib koʻring. Xato takrorlanaversa, javobdagi instance identifikatorini koʻrsatib, qoʻllab-quvvatlash xizmatiga yozing.",

  "problem.misconfigured.title": "Server notoʻgʻri sozlangan",
  "problem.misconfigured.meaning":
    "Serverda kerakli sozlama yetishmaydi, shuning uchun u soʻrovni bajara olmaydi.",
  "problem.misconfigured.action":
    "Agar bu server sizniki boʻlsa, uning sozlamalarini (vars va secrets) README bilan solishtiring: qaysi sozlama ekani jurnalda yozilgan. Aks holda keyinroq qayta urinib koʻring.",

  "problem.service_unavailable.title": "Xizmat vaqtincha ishlamayapti",
  "problem.service_unavailable.meaning": "Bu soʻrov bogʻliq boʻlgan xizmat hozir ishlamayapti.",
  "problem.service_unavailable.action":
    "Birozdan soʻng qayta urinib koʻring. Javobda Retry-After sarlavhasi boʻlsa, avval oʻsha vaqtcha kuting.",

  // API docs page
  "docs.title": "API maʼlumotnomasi",
  "docs.intro": "Ushbu serverning OpenAPI 3.1 hujjati:",
  "docs.errors": "Xato kodlari va ular boʻyicha nima qilish kerakligi:",
  "docs.noscript":
    "Interaktiv maʼlumotnoma JavaScript talab qiladi. OpenAPI hujjatini toʻgʻridan-toʻgʻri oʻqishingiz mumkin:",

  // Kutish roʻyxatiga yozilish: shakl xatolari
  "signup.error.email_invalid":
    "Toʻgʻri elektron pochta manzilini kiriting, masalan: ism@example.com.",
  "signup.error.email_too_long": "Bu elektron pochta manzili juda uzun.",
  "signup.error.name_invalid": "Ismingizni bir qatorda, koʻpi bilan 200 belgida yozing.",
  "signup.error.required": "Iltimos, bu savolga javob bering.",
  "signup.error.too_long": "Iltimos, {max} belgidan oshirmang.",
  "signup.error.invalid_choice": "Berilgan variantlardan birini tanlang.",
  "signup.error.invalid_value": "Bu javobni tushunib boʻlmadi.",
  "signup.error.unknown_question": "Bu kampaniyada bunday savol yoʻq.",
  "signup.error.consent_required": "Iltimos, ushbu kampaniya haqida xatlar olishga rozilik bering.",
  "signup.error.unknown_field":
    "Bu shakl roʻyxatdan oʻtish bilmaydigan maydonni yubordi: “{field}”. Savollarga javoblar answers[key] deb nomlanadi.",
  "signup.error.invalid": "Iltimos, bu maydonni tekshiring.",
  "signup.error.summary": "Iltimos, quyidagilarni tuzating:",
  "signup.error.closed": "Bu kampaniya hozir roʻyxatga olmayapti.",
  "signup.error.rate_limited": "Urinishlar juda koʻp. Biroz kutib, qayta urinib koʻring.",
  "signup.error.turnstile": "Inson ekaningizni tekshira olmadik. Iltimos, qayta urinib koʻring.",
  "signup.error.generic": "Nimadir notoʻgʻri ketdi. Iltimos, qayta urinib koʻring.",

  // Kampaniya sahifasi (/c/{slug}) va rahmat sahifasi
  "landing.join_heading": "Kutish roʻyxatiga qoʻshiling",
  "landing.email_label": "Elektron pochta manzili",
  "landing.email_hint": "Oʻrningizni tasdiqlash uchun sizga havola yuboramiz.",
  "landing.name_label": "Ismingiz",
  "landing.optional": "ixtiyoriy",
  "landing.required": "majburiy",
  "landing.consent_label":
    "{campaign} haqida xatlar olishga roziman: tasdiqlash havolasi, navbatdagi oʻrnim va taklifnomam.",
  "landing.consent_hint": "Har bir xatda obunani bekor qilish havolasi bor.",
  "landing.submit": "Roʻyxatga qoʻshilish",
  "landing.honeypot_label": "Bu maydonni boʻsh qoldiring",
  "landing.closed_heading": "Roʻyxatga olish yopiq",
  "landing.closed_body": "{campaign} hozir roʻyxatga olmayapti. Keyinroq qayta kiring.",
  "landing.referred": "Sizni doʻstingiz taklif qildi.",
  "landing.turnstile_note":
    "Bu shakl inson ekaningizni tezda tekshiradi, buning uchun JavaScript kerak.",
  "landing.thanks_title": "Pochtangizni tekshiring",
  "landing.thanks_heading": "Pochtangizni tekshiring",
  "landing.thanks_body":
    "Siz kiritgan manzilga xat yubordik. {campaign} kutish roʻyxatidagi oʻrningizni koʻrish uchun undagi havolani oching.",
  "landing.thanks_spam":
    "Bir necha daqiqadan keyin ham xat kelmadimi? Spam jildini tekshiring. Xuddi shu manzil bilan qayta yozilsangiz, xat yana yuboriladi.",
  "landing.thanks_back": "{campaign} sahifasiga qaytish",

  // Elektron pochtani tasdiqlash sahifasi (/confirm/{token})
  "confirm.title": "Elektron pochtani tasdiqlash",
  "confirm.heading": "{campaign} kutish roʻyxatidagi oʻrningizni tasdiqlang",
  "confirm.intro":
    "{email} manzilini tasdiqlash va navbatdagi oʻrningizni egallash uchun tugmani bosing.",
  "confirm.button": "Oʻrnimni tasdiqlash",
  "confirm.prefetch_note": "Tugmani bosmaguningizcha hech narsa oʻzgarmaydi.",
  "confirm.already_heading": "Siz allaqachon tasdiqlagansiz",
  "confirm.already_intro": "{email} manzili {campaign} kutish roʻyxatida tasdiqlangan.",
  "confirm.status_button": "Holatimni koʻrish",

  // Oldindan buyurtma sahifasi (/o/{token})
  "order.title": "Oldindan buyurtmangiz",
  "order.heading": "{campaign}: oldindan buyurtmangiz",
  "order.number": "Buyurtma raqami",
  "order.placed_at": "Berilgan sana: {date}",
  "order.status_label": "Holati",
  "order.status.pending_verification": "Elektron pochtangiz tasdiqlanishi kutilmoqda",
  "order.status.reserved": "Band qilingan",
  "order.status.confirmed": "Tasdiqlangan",
  "order.status.fulfilled": "Bajarilgan",
  "order.status.cancelled": "Bekor qilingan",
  "order.status.expired": "Muddati tugagan",
  "order.pending_notice":
    "Pochtangizni tekshiring: {email} manziliga havola yubordik. Buyurtmani saqlab qolish uchun uni {time} gacha tasdiqlang; shu vaqtgacha mahsulotlar siz uchun band qilib turiladi.",
  "order.lapsed_notice":
    "Bu buyurtma oʻz vaqtida tasdiqlanmadi, shuning uchun mahsulotlar qayta sotuvga chiqarilmoqda.",
  "order.reserved_notice":
    "Mahsulotlar siz uchun band qilingan. Yangilik boʻlsa, sizga xat yuboramiz.",
  "order.confirmed_notice": "Oldindan buyurtmangiz tasdiqlandi.",
  "order.fulfilled_notice": "Oldindan buyurtmangiz bajarildi. Rahmat!",
  "order.cancelled_notice":
    "Bu buyurtma bekor qilingan, mahsulotlar esa qayta sotuvga chiqarilgan.",
  "order.expired_notice":
    "Elektron pochta manzili oʻz vaqtida tasdiqlanmagani uchun bu buyurtmaning muddati tugadi.",
  "order.verified_notice":
    "Rahmat: elektron pochtangiz tasdiqlandi, buyurtmangiz esa band qilindi.",
  "order.items_heading": "Buyurtmangiz tarkibi",
  "order.col_item": "Mahsulot",
  "order.col_quantity": "Soni",
  "order.col_price": "Narxi",
  "order.col_total": "Jami",
  "order.total": "Buyurtma summasi",
  "order.ship_date": "Taxminiy joʻnatish sanasi: {date}",
  "order.cancel_heading": "Fikringiz oʻzgardimi?",
  "order.cancel_until": "Bu buyurtmani {date} gacha bekor qilishingiz mumkin.",
  "order.cancel_open": "Bu buyurtmani u bajarilguncha bekor qilishingiz mumkin.",
  "order.cancel_button": "Buyurtmamni bekor qilish",
  "order.cancel_done":
    "Oldindan buyurtmangiz bekor qilindi. Elektron pochtangizga tasdiq xatini yubordik.",
  "order.verify_over_limit":
    "Bu buyurtma tasdiqlanmadi: tasdiqlangan buyurtmalaringiz bir xaridorga ruxsat etilgan eng koʻp miqdorga yetgan. Uning mahsulotlari band qilish muddati tugagach qayta sotuvga chiqadi.",
  "order.cancel_refused": "Bu buyurtmani endi bekor qilib boʻlmaydi.",

  // Buyurtma uchun elektron pochtani tasdiqlash (/verify/{token})
  "verify.title": "Buyurtmangizni tasdiqlang",
  "verify.heading": "{campaign} uchun oldindan buyurtmangizni tasdiqlang",
  "verify.intro":
    "{email} manzilini tasdiqlash va {order} raqamli buyurtmani saqlab qolish uchun tugmani bosing. Mahsulotlar {time} gacha siz uchun band qilib turiladi.",
  "verify.button": "Buyurtmani tasdiqlash",
  "verify.prefetch_note": "Tugmani bosmaguningizcha hech narsa oʻzgarmaydi.",
  "verify.already_heading": "Elektron pochtangiz tasdiqlangan",
  "verify.already_intro": "{order} raqamli buyurtma tasdiqlangan va siz uchun band qilingan.",
  "verify.ended_heading": "Bu buyurtmani endi tasdiqlab boʻlmaydi",
  "verify.ended_intro":
    "{order} raqamli buyurtma bekor qilingan yoki oʻz vaqtida tasdiqlanmagan, mahsulotlar esa qayta sotuvga chiqarilgan.",
  "verify.order_link": "Buyurtmamni koʻrish",

  // Obunani bekor qilish sahifasi
  "unsubscribe.title": "Obunani bekor qilish",
  "unsubscribe.heading": "{campaign} xabarlariga obunani bekor qilasizmi?",
  "unsubscribe.intro":
    "{email} manziliga {campaign} boʻyicha taklifnomalar, eslatmalar va yangiliklar endi yuborilmaydi.",
  "unsubscribe.transactional_note":
    "Roʻyxatdan oʻtganingiz va oldindan buyurtmalaringiz haqidagi xatlar (tasdiqlashlar, cheklar, buyurtmadagi oʻzgarishlar) kelishda davom etadi.",
  "unsubscribe.button": "Obunani bekor qilish",
  "unsubscribe.prefetch_note": "Tugmani bosmaguningizcha hech narsa oʻzgarmaydi.",
  "unsubscribe.done_title": "Obuna bekor qilindi",
  "unsubscribe.done_heading": "Obunangiz bekor qilindi",
  "unsubscribe.done_body":
    "{email} manziliga {campaign} boʻyicha taklifnomalar, eslatmalar va yangiliklar boshqa yuborilmaydi.",
  "unsubscribe.already_heading": "Obunangiz allaqachon bekor qilingan",

  // Holat sahifasi (/s/{token}) va GET /v1/status
  "status.title": "Navbatdagi oʻrningiz",
  "status.position": "Siz navbatda {position}-oʻrindasiz",
  "status.people_ahead": "Sizdan oldinda: {count} kishi",
  "status.pending":
    "Navbatdagi oʻrningizni olish uchun elektron pochta manzilingizni tasdiqlang. Sizga havola yubordik.",
  "status.flagged":
    "Roʻyxatdan oʻtishingiz tekshirilmoqda. Tasdiqlangach, navbatdagi oʻrningizni olasiz.",
  "status.rejected": "Roʻyxatdan oʻtishingiz bu kutish roʻyxatiga qabul qilinmadi.",
  "status.outside":
    "Hozircha bu oldindan sotuv cheklangan auditoriya uchun. Siz roʻyxatimizdasiz, bu oʻzgarsa, sizga xabar beramiz.",
  "status.invited":
    "Siz taklif qilindingiz! Oldindan buyurtma berish uchun shaxsiy kodingizdan foydalaning.",
  "status.invite_code": "Shaxsiy taklif kodingiz",
  "status.invite_status.active": "Foydalanishga tayyor",
  "status.invite_status.used_up": "Allaqachon ishlatilgan",
  "status.invite_status.expired": "Muddati tugagan",
  "status.invite_status.revoked": "Endi amal qilmaydi",
  "status.invite_expires": "Amal qilish muddati: {date}",
  "status.customer": "Sizda oldindan buyurtma bor. Rahmat!",
  "status.campaign": "Kampaniya holati: {status}",
  "status.campaign_status.draft": "ommaga ochilmagan",
  "status.campaign_status.waitlist": "kutish roʻyxati ochiq",
  "status.campaign_status.presale": "oldindan sotuv ochiq",
  "status.campaign_status.paused": "vaqtincha toʻxtatilgan",
  "status.campaign_status.closed": "yopilgan",
  "status.share_heading": "Navbatda oldinga oʻting",
  "status.share_intro":
    "Havolangizni ulashing. U orqali roʻyxatdan oʻtib, tasdiqlagan har bir doʻstingiz sizni {boost} oldinga suradi.",
  "status.share_label": "Taklif havolangiz",
  "status.copy": "Nusxa olish",
  "status.copied": "Nusxa olindi",
  "status.referral_code": "Taklif kodi: {code}",
  "status.verified_referrals": "Siz orqali qoʻshilgan doʻstlar: {count}",
  "status.codes_heading": "Doʻstlarga beriladigan taklif kodlari",
  "status.codes_intro":
    "Doʻstlaringizga berish uchun {count} ta kodingiz bor ({active} tasi hali ishlatilmagan). Har biri bir marta ishlaydi: bittasidan nusxa olib, doʻstingizga yuboring.",
  "status.code_item": "Kod {hint}: {status}",
  "status.manage_heading": "Xatlaringiz va maʼlumotlaringiz",
  "status.signed_up_as": "Roʻyxatdan oʻtgan manzil: {email}",
  "status.unsubscribe_button": "{campaign} haqidagi xatlarni toʻxtatish",
  "status.unsubscribed_note":
    "Obunangiz bekor qilingan: {campaign} boʻyicha taklifnomalar, eslatmalar va yangiliklar yubormaymiz. Taklifingiz shu sahifada chiqadi, buyurtmalaringiz haqidagi xatlar esa kelishda davom etadi.",
  "status.delete_button": "Maʼlumotlarimni oʻchirish",
  "status.delete_intro":
    "Ismingiz, elektron pochta manzilingiz va javoblaringiz oʻchiriladi, siz navbatdan chiqasiz.",

  // Holat sahifasidagi maxfiylik amallari
  "privacy.unsubscribe_title": "Xatlarni toʻxtatish",
  "privacy.unsubscribe_heading": "{campaign} haqidagi xatlar toʻxtatilsinmi?",
  "privacy.unsubscribe_body":
    "{email} manziliga {campaign} boʻyicha taklifnomalar, eslatmalar va yangiliklar endi yuborilmaydi. Navbatdagi oʻrningiz saqlanadi, taklifingiz holat sahifasida chiqadi, buyurtmalaringiz haqidagi xatlar esa kelishda davom etadi.",
  "privacy.unsubscribe_button": "Ha, xatlarni toʻxtatish",
  "privacy.unsubscribed_notice":
    "Tayyor: {campaign} boʻyicha taklifnomalar, eslatmalar va yangiliklar endi yuborilmaydi.",
  "privacy.delete_title": "Maʼlumotlarni oʻchirish",
  "privacy.delete_heading": "{campaign} uchun maʼlumotlaringiz oʻchirilsinmi?",
  "privacy.delete_body":
    "Ismingiz, elektron pochta manzilingiz va javoblaringizni oʻchiramiz. Navbatdagi oʻrningiz, taklif havolangiz va taklif kodingiz ishlamay qoladi. Oldindan buyurtmalar hisob-kitob uchun ismingiz, manzilingiz va tafsilotlarsiz saqlanadi. Buni ortga qaytarib boʻlmaydi.",
  "privacy.delete_button": "Ha, maʼlumotlarimni oʻchirish",
  "privacy.cancel": "Yoʻq, ortga qaytish",
  "privacy.deleted_title": "Maʼlumotlar oʻchirildi",
  "privacy.deleted_heading": "Maʼlumotlaringiz oʻchirildi",
  "privacy.deleted_body":
    "{campaign} uchun shaxsiy maʼlumotlaringizni oʻchirdik. Bu havola endi ishlamaydi.",
  "privacy.prefetch_note": "Tugmani bosmaguningizcha hech narsa oʻzgarmaydi.",
};
