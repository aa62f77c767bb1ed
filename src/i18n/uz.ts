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
};
