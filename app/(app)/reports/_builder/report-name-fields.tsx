"use client";

import { inputClass, Labeled } from "@/app/_components/form";

/** A report's name (with the server's message about it) and optional description. */
export function ReportNameFields({
  idPrefix,
  name,
  description,
  onName,
  onDescription,
  nameError,
}: {
  idPrefix: string;
  name: string;
  description: string;
  onName: (name: string) => void;
  onDescription: (description: string) => void;
  nameError?: string;
}) {
  return (
    <>
      <Labeled id={`${idPrefix}-name`} label="Report name">
        <input id={`${idPrefix}-name`} value={name} maxLength={200} onChange={(e) => onName(e.target.value)} aria-invalid={Boolean(nameError)} className={inputClass} />
        {nameError && <p className="mt-1 text-sm text-red-700">{nameError}</p>}
      </Labeled>
      <Labeled id={`${idPrefix}-description`} label="Description (optional)">
        <textarea id={`${idPrefix}-description`} rows={2} value={description} maxLength={2000} onChange={(e) => onDescription(e.target.value)} className={inputClass} />
      </Labeled>
    </>
  );
}
