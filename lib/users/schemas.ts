import { z } from "zod";
import { USER_ROLES } from "../../db/schema/users";

// Strict objects: a form or API caller sending a key we do not know (say `passwordHash` or
// `id`) is a bug or an attack, and either way it should fail loudly rather than be dropped.

export const createUserSchema = z.strictObject({
  // Trimmed and lower-cased before the format check: sign-in compares emails that way and the
  // users table refuses anything else (users_email_lowercase_check). 254 is the SMTP limit.
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, "Use at most 254 characters.")
    .pipe(z.email("Enter a valid email address.")),
  name: z.string().trim().min(1, "Enter a name.").max(100, "Use at most 100 characters."),
  // Never trimmed: leading/trailing spaces are part of what the user chose. The upper bound
  // keeps hashing cost bounded per request.
  password: z.string().min(12, "Use at least 12 characters.").max(200, "Use at most 200 characters."),
  role: z.enum(USER_ROLES, "Choose admin or member."),
});
export type CreateUserInput = z.input<typeof createUserSchema>;

const accessShape = {
  userId: z.uuid("Choose a user."),
  instanceId: z.uuid("Choose an AMC instance."),
};
export const grantSchema = z.strictObject(accessShape);
export const revokeSchema = z.strictObject(accessShape);
export type GrantInput = z.input<typeof grantSchema>;
export type RevokeInput = z.input<typeof revokeSchema>;

// Never trimmed (see createUserSchema). The current password gets only an upper bound: whatever it
// is, it is what the user has.
const newPassword = z.string().min(12, "Use at least 12 characters.").max(200, "Use at most 200 characters.");

export const changePasswordSchema = z
  .strictObject({
    currentPassword: z.string().min(1, "Enter your current password.").max(1024, "Use at most 1024 characters."),
    newPassword,
    confirmPassword: z.string(),
  })
  .superRefine((v, ctx) => {
    if (v.confirmPassword !== v.newPassword) {
      ctx.addIssue({ code: "custom", path: ["confirmPassword"], message: "The two new passwords differ." });
    } else if (v.newPassword === v.currentPassword) {
      ctx.addIssue({ code: "custom", path: ["newPassword"], message: "Choose a password different from the current one." });
    }
  });
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;

const userIdShape = { userId: z.uuid("Choose a user.") };
export const resetPasswordSchema = z.strictObject(userIdShape);
export const deleteUserSchema = z.strictObject(userIdShape);
export const setRoleSchema = z.strictObject({ ...userIdShape, role: z.enum(USER_ROLES, "Choose admin or member.") });
export type UserIdInput = z.input<typeof resetPasswordSchema>;
export type SetRoleInput = z.input<typeof setRoleSchema>;
