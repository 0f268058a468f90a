from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, UserChangeForm

from accounts.models import AuditEvent, User, UserSettings
from accounts.services import tokens_revoke_all


class UserSettingsInline(admin.StackedInline):
    model = UserSettings
    can_delete = False


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class UserChangeFormWithEmail(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class PasswordSetForm(AdminPasswordChangeForm):
    """Staff set (or disable) someone's password: their API tokens stop working too, as
    after a change of their own."""

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=commit)
        if commit:
            tokens_revoke_all(user=user)
        return user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeFormWithEmail
    add_form = UserCreationForm
    change_password_form = PasswordSetForm
    list_display = ["username", "email", "is_admin", "is_active", "created_at", "last_login"]
    list_filter = ["is_admin", "is_superuser", "is_active"]
    search_fields = ["username", "email"]
    ordering = ["username"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "updated_at", "last_login"]
    fieldsets = (
        (None, {"fields": ("username", "email", "password")}),
        (
            "Role",
            {"fields": ("is_active", "is_admin", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "created_at", "updated_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "password1", "password2")}),
    )
    inlines = [UserSettingsInline]

    def get_inlines(self, request, obj):
        # The settings row is created with the user, so the add form has no inline.
        return self.inlines if obj else []


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail is read-only: nobody edits history, not even staff."""

    list_display = ["created_at", "action", "actor_name", "target", "ip_address"]
    list_filter = ["action"]
    date_hierarchy = "created_at"
    search_fields = ["actor_name", "target", "ip_address"]
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
