"""The account dialog: pick a provider, fill in its fields, test, save.

Secrets go to the keyring through `core.accounts.save_account`; "Test
connection" makes one real request and answers in plain words.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bellbar.core.account_check import check_account
from bellbar.core.accounts import OPTION_FIELDS, build_account, save_account
from bellbar.core.errors import BellbarError
from bellbar.core.model import Account
from bellbar.core.paths import AppPaths
from bellbar.core.secrets import SecretStore

# Labels and help marked for lupdate; `self.tr` translates them where they are shown.
PROVIDERS = (
    ("botbell", str(QT_TRANSLATE_NOOP("AccountDialog", "Bellbar hub (BotBell)"))),
    ("magicbell", str(QT_TRANSLATE_NOOP("AccountDialog", "MagicBell"))),
    ("belltastic", str(QT_TRANSLATE_NOOP("AccountDialog", "Belltastic"))),
    ("notify", str(QT_TRANSLATE_NOOP("AccountDialog", "GOV.UK Notify"))),
)
URL_HINTS = {
    "botbell": "http://127.0.0.1:8025",
    "magicbell": "https://api.magicbell.com",
    "belltastic": "https://belltastic.com/api/v1",
    "notify": "https://api.notifications.service.gov.uk",
}
HELP = {
    "botbell": str(
        QT_TRANSLATE_NOOP(
            "AccountDialog",
            "Your hub's address and your user token: `bellbar hub admin user create NAME` "
            "prints both. Bots then push to you with their own tokens.",
        )
    ),
    "magicbell": str(
        QT_TRANSLATE_NOOP(
            "AccountDialog",
            "From your MagicBell project's settings: the API key, and either the user's "
            "HMAC (computed by your back end) or the API secret (Bellbar computes the "
            "HMAC). Name the user by external id or email.",
        )
    ),
    "belltastic": str(
        QT_TRANSLATE_NOOP(
            "AccountDialog",
            "From Belltastic: the project id, the user id within it, and that user's API token.",
        )
    ),
    "notify": str(
        QT_TRANSLATE_NOOP(
            "AccountDialog",
            "A GOV.UK Notify API key (team or live) from the service's API integration page. "
            "Bellbar watches the delivery status of what the service sends, and the texts "
            "it receives.",
        )
    ),
}
SECRET_LABELS = {
    "botbell": str(QT_TRANSLATE_NOOP("AccountDialog", "User token")),
    "magicbell": str(QT_TRANSLATE_NOOP("AccountDialog", "Secret")),
    "belltastic": str(QT_TRANSLATE_NOOP("AccountDialog", "API token")),
    "notify": str(QT_TRANSLATE_NOOP("AccountDialog", "API key")),
}


class AccountDialog(QDialog):
    """Signals: account_saved(Account)."""

    account_saved = Signal(object)

    def __init__(self, paths: AppPaths, secrets: SecretStore, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add an account"))
        self._paths, self._secrets = paths, secrets
        self._checking: asyncio.Task[None] | None = None
        self.provider = QComboBox()
        for key, label in PROVIDERS:
            self.provider.addItem(self.tr(label), key)
        self.name = QLineEdit()
        self.url = QLineEdit()
        self.api_key = QLineEdit()
        self.external_id = QLineEdit()
        self.email = QLineEdit()
        self.project_id = QLineEdit()
        self.user_id = QLineEdit()
        self.alert_statuses = QLineEdit("permanent-failure, technical-failure")
        self.reply_template_id = QLineEdit()
        self.reply_template_id.setPlaceholderText(self.tr("an SMS template with one placeholder"))
        self.secret_kind = QComboBox()
        self.secret_kind.addItem(self.tr("User HMAC"), "hmac")
        self.secret_kind.addItem(self.tr("API secret (the HMAC is computed here)"), "api_secret")
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.help = QLabel()
        self.help.setWordWrap(True)
        self.help.setTextFormat(Qt.TextFormat.PlainText)
        self.help.setAccessibleName(self.tr("About this provider's fields"))
        self.form = QFormLayout()
        self.form.addRow(self.tr("Provider"), self.provider)
        self.form.addRow(self.help)
        self.form.addRow(self.tr("Name"), self.name)
        self.form.addRow(self.tr("Server URL"), self.url)
        self.form.addRow(self.tr("API key"), self.api_key)
        self.form.addRow(self.tr("User external id"), self.external_id)
        self.form.addRow(self.tr("or user email"), self.email)
        self.form.addRow(self.tr("Secret is"), self.secret_kind)
        self.form.addRow(self.tr("Project id"), self.project_id)
        self.form.addRow(self.tr("User id"), self.user_id)
        self.form.addRow(self.tr("Alert on"), self.alert_statuses)
        self.form.addRow(self.tr("Reply template id"), self.reply_template_id)
        self.secret_label = QLabel()
        self.form.addRow(self.secret_label, self.secret)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setAccessibleName(self.tr("Connection test result"))
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self._start_check)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.test_button)
        layout.addWidget(self.outcome)
        layout.addWidget(buttons)
        self.provider.currentIndexChanged.connect(self._on_provider)
        self._on_provider()

    def edit(self, account: Account) -> None:
        """Fill the form from `account`, to change it or sign in again: saving
        under the same name keeps its id, so its keyring entry is replaced."""
        self.setWindowTitle(self.tr("Edit %s") % account.name)
        self.provider.setCurrentIndex(self.provider.findData(account.provider))
        self.name.setText(account.name)
        self.name.setReadOnly(True)
        self.url.setText(account.url)
        for field in OPTION_FIELDS[account.provider]:
            widget = getattr(self, field)
            value = account.options.get(field, "")
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(0, widget.findData(value)))
            else:
                widget.setText(value)
        self.secret.setPlaceholderText(self.tr("enter it again"))
        self.secret.setFocus()

    @property
    def provider_key(self) -> str:
        return str(self.provider.currentData())

    def _on_provider(self) -> None:
        key = self.provider_key
        for provider_fields in OPTION_FIELDS.values():
            for field in provider_fields:
                self.form.setRowVisible(getattr(self, field), field in OPTION_FIELDS[key])
        self.url.setPlaceholderText(URL_HINTS[key])
        self.help.setText(self.tr(HELP[key]))
        self.secret_label.setText(self.tr(SECRET_LABELS[key]))
        self.outcome.clear()

    def account(self) -> Account:
        """The account the form describes; `ConfigError` if it is incomplete."""
        options = {}
        for field in OPTION_FIELDS[self.provider_key]:
            widget = getattr(self, field)
            options[field] = (
                str(widget.currentData()) if isinstance(widget, QComboBox) else widget.text()
            )
        return build_account(self.provider_key, self.name.text(), self.url.text(), options)

    def _start_check(self) -> None:
        self._checking = asyncio.ensure_future(self.check())

    async def check(self) -> None:
        """Test the connection with what is typed now."""
        try:
            account = self.account()
        except BellbarError as exc:
            self._show(str(exc), ok=False)
            return
        self._show(self.tr("Testing…"), ok=True)
        self.test_button.setEnabled(False)
        try:
            result = await check_account(account, self.secret.text().strip())
        finally:
            self.test_button.setEnabled(True)
        self._show(result.message, ok=result.ok)

    def save(self) -> None:
        try:
            account = save_account(self._paths, self._secrets, self.account(), self.secret.text())
        except BellbarError as exc:
            self._show(str(exc), ok=False)
            return
        self.account_saved.emit(account)
        self.accept()

    def _show(self, text: str, *, ok: bool) -> None:
        self.outcome.setText(text)
        self.outcome.setStyleSheet("" if ok else "color: #c5221f;")
