// Which component collects each kind of method. The sandbox's for now; a processor integration replaces these
// entries (same props, same handle) and the forms and pages around them stay as they are.
import type { ComponentType } from 'react'
import type { MethodEntryProps, MethodKind } from './entry'
import { SandboxCaBankEntry, SandboxCardEntry, SandboxUsBankEntry } from './SandboxEntries'

export const methodEntries: Record<MethodKind, ComponentType<MethodEntryProps>> = {
  card: SandboxCardEntry,
  us_bank_account: SandboxUsBankEntry,
  ca_bank_account: SandboxCaBankEntry,
}
